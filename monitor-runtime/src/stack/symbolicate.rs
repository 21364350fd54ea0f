//! The preparation stage's side: addresses to functions, files and lines, in-app marks and
//! trimming.
//!
//! Reading debug information is the expensive part: the first lookup in a process loads
//! the binary's line tables (a fraction of a second for a release build, seconds for a
//! large debug build on a busy machine). It runs on one process-wide `sentry-symbolicate`
//! thread, which caches what it resolved, and the preparation stage waits for it only as
//! long as delivery allows: without limit until shutdown begins, then until half of the
//! shutdown's time is used. An envelope whose stack is not resolved by then is sent with its
//! raw addresses rather than lost.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use sentry::protocol::{Event, Frame, Stacktrace};

use super::in_app::{
    app_crate, crate_of, is_dependency_path, is_in_app, is_machinery, is_standard_library,
};

/// Resolved addresses kept between envelopes: the same failure from the same code reuses
/// its frames instead of reading debug information again.
const CACHE_LIMIT: usize = 8192;

/// How often a wait for the symbolizer checks whether shutdown has begun.
const POLL: Duration = Duration::from_millis(20);

/// One function at an address (several when calls were inlined into it).
#[derive(Debug, Clone)]
struct Resolved {
    function: Option<String>,
    abs_path: Option<String>,
    lineno: Option<u64>,
    colno: Option<u64>,
}

type Resolution = HashMap<usize, Vec<Resolved>>;

struct Request {
    addresses: Vec<usize>,
    reply: Sender<Resolution>,
}

/// The process-wide symbolizer thread, started on first use; `None` if it cannot start.
fn symbolizer() -> Option<&'static Sender<Request>> {
    static SYMBOLIZER: OnceLock<Option<Sender<Request>>> = OnceLock::new();
    SYMBOLIZER
        .get_or_init(|| {
            let (tx, rx) = mpsc::channel::<Request>();
            std::thread::Builder::new()
                .name("sentry-symbolicate".to_owned())
                .spawn(move || {
                    let mut cache: Resolution = HashMap::new();
                    for request in rx {
                        let mut reply = HashMap::with_capacity(request.addresses.len());
                        for ip in request.addresses {
                            if cache.len() >= CACHE_LIMIT && !cache.contains_key(&ip) {
                                cache.clear();
                            }
                            let symbols = cache.entry(ip).or_insert_with(|| resolve(ip));
                            reply.insert(ip, symbols.clone());
                        }
                        // The stage may have stopped waiting; then nobody needs the answer.
                        let _ = request.reply.send(reply);
                    }
                })
                .ok()
                .map(|_| tx)
        })
        .as_ref()
}

/// Reads the debug information for return address `ip`; inlined calls innermost first.
fn resolve(ip: usize) -> Vec<Resolved> {
    let mut symbols = Vec::new();
    // A return address points after the call: look up the call instruction itself.
    let lookup = ip.saturating_sub(1) as *mut std::ffi::c_void;
    backtrace::resolve(lookup, |symbol| {
        symbols.push(Resolved {
            function: symbol.name().map(|name| format!("{name:#}")),
            abs_path: symbol
                .filename()
                .map(|path| path.to_string_lossy().into_owned()),
            lineno: symbol.lineno().map(u64::from),
            colno: symbol.colno().map(u64::from),
        });
    });
    symbols
}

/// Symbolicates, classifies and trims the stack traces of events, for one client's
/// preparation stage.
#[derive(Debug, Default)]
pub(crate) struct Symbolicator {
    in_app_include: Vec<String>,
    in_app_exclude: Vec<String>,
}

impl Symbolicator {
    /// With the SDK's `in_app_include` / `in_app_exclude` prefixes.
    pub(crate) fn new(in_app_include: Vec<String>, in_app_exclude: Vec<String>) -> Self {
        Self {
            in_app_include,
            in_app_exclude,
        }
    }

    /// Processes every stack trace of `event` (on its exceptions, its threads and itself).
    /// `cutoff` says, each time it is asked, until when the symbolizer may be waited for:
    /// `None` while there is no limit.
    pub(crate) fn process_event(
        &self,
        event: &mut Event<'static>,
        cutoff: &dyn Fn() -> Option<Instant>,
    ) {
        let mut stacks: Vec<&mut Stacktrace> = Vec::new();
        for exception in &mut event.exception.values {
            stacks.extend(exception.stacktrace.as_mut());
        }
        for thread in &mut event.threads.values {
            stacks.extend(thread.stacktrace.as_mut());
        }
        stacks.extend(event.stacktrace.as_mut());
        if stacks.is_empty() {
            return;
        }
        let addresses: Vec<usize> = stacks
            .iter()
            .flat_map(|stack| stack.frames.iter())
            .filter(|frame| frame.function.is_none())
            .filter_map(|frame| frame.instruction_addr.map(|addr| addr.0 as usize))
            .collect();
        let resolution = if addresses.is_empty() {
            Some(HashMap::new())
        } else {
            symbolize(addresses, cutoff)
        };
        for stack in stacks {
            self.process(stack, resolution.as_ref());
        }
    }

    /// Expands raw frames with `resolution` (when there is one), marks in-app frames and
    /// trims the machinery from the top (Sentry's frames are oldest first, so the top is the
    /// end). Without a resolution, raw frames stay as they are and nothing is trimmed.
    fn process(&self, stacktrace: &mut Stacktrace, resolution: Option<&Resolution>) {
        let raw = std::mem::take(&mut stacktrace.frames);
        let mut frames = Vec::with_capacity(raw.len());
        for frame in raw {
            let symbols = match (frame.function.is_none(), frame.instruction_addr) {
                (true, Some(addr)) => resolution
                    .and_then(|r| r.get(&(addr.0 as usize)))
                    .filter(|symbols| !symbols.is_empty())
                    .map(|symbols| (addr.0 as usize, symbols)),
                _ => None,
            };
            match symbols {
                Some((ip, symbols)) => expand(ip, symbols, &mut frames),
                None => frames.push(frame),
            }
        }
        let app_crates: Vec<String> = {
            let mut crates: Vec<&str> = frames
                .iter()
                .filter_map(|f| app_crate(f.function.as_deref(), f.abs_path.as_deref()))
                .collect();
            crates.sort_unstable();
            crates.dedup();
            crates.into_iter().map(str::to_owned).collect()
        };
        let app_crates: Vec<&str> = app_crates.iter().map(String::as_str).collect();
        for frame in &mut frames {
            self.classify(frame, &app_crates);
        }
        // The machinery calls through generic std code (closures, `Option::and_then`), so
        // std's frames between it and the application go too.
        let keep = frames
            .iter()
            .rposition(|f| {
                !f.function
                    .as_deref()
                    .is_some_and(|name| is_machinery(name) || is_standard_library(name))
            })
            .map_or(frames.len(), |last| last + 1);
        // A stack that is nothing but machinery stays whole rather than vanishing.
        if keep > 0 {
            frames.truncate(keep);
        }
        stacktrace.frames = frames;
    }

    fn classify(&self, frame: &mut Frame, app_crates: &[&str]) {
        let in_app = is_in_app(
            frame.function.as_deref(),
            frame.abs_path.as_deref().or(frame.filename.as_deref()),
            &self.in_app_include,
            &self.in_app_exclude,
            app_crates,
        );
        frame.in_app = Some(in_app);
        if let Some(abs_path) = &frame.abs_path {
            frame.filename = Some(short_path(abs_path));
        }
        if frame.package.is_none() {
            frame.package = frame
                .function
                .as_deref()
                .and_then(crate_of)
                .map(str::to_owned);
        }
    }
}

/// Asks the symbolizer thread for `addresses`, waiting as long as `cutoff` allows.
fn symbolize(addresses: Vec<usize>, cutoff: &dyn Fn() -> Option<Instant>) -> Option<Resolution> {
    if cutoff().is_some_and(|cutoff| Instant::now() >= cutoff) {
        return None;
    }
    let (reply, answer) = mpsc::channel();
    symbolizer()?.send(Request { addresses, reply }).ok()?;
    loop {
        let wait = match cutoff() {
            Some(cutoff) => cutoff.saturating_duration_since(Instant::now()).min(POLL),
            None => POLL,
        };
        match answer.recv_timeout(wait) {
            Ok(resolution) => return Some(resolution),
            Err(RecvTimeoutError::Disconnected) => return None,
            Err(RecvTimeoutError::Timeout) => {
                if cutoff().is_some_and(|cutoff| Instant::now() >= cutoff) {
                    return None;
                }
            }
        }
    }
}

/// Appends the frames at return address `ip`, oldest (outermost inlined call) first.
fn expand(ip: usize, symbols: &[Resolved], out: &mut Vec<Frame>) {
    // The resolver lists inlined calls innermost first.
    for symbol in symbols.iter().rev() {
        out.push(Frame {
            function: symbol.function.clone(),
            package: symbol
                .function
                .as_deref()
                .and_then(crate_of)
                .map(str::to_owned),
            filename: symbol.abs_path.as_deref().map(short_path),
            abs_path: symbol.abs_path.clone(),
            lineno: symbol.lineno,
            colno: symbol.colno,
            instruction_addr: Some(ip.into()),
            ..Frame::default()
        });
    }
}

/// The path shown for a file: relative to the current directory for the application's
/// sources, `<crate>-<version>/…` for a registry crate, `library/…` for the toolchain's.
fn short_path(abs_path: &str) -> String {
    let path = abs_path.replace('\\', "/");
    if is_dependency_path(&path) {
        for marker in ["/registry/src/", "/git/checkouts/"] {
            if let Some((_, rest)) = path.split_once(marker) {
                // Skip the index (or repository) directory name.
                return rest.split_once('/').map_or(rest, |(_, r)| r).to_owned();
            }
        }
        if let Some(index) = path.find("/library/") {
            return path[index + 1..].to_owned();
        }
        return path;
    }
    let cwd = std::env::current_dir()
        .ok()
        .map(|d| d.to_string_lossy().replace('\\', "/"));
    match cwd.as_deref().and_then(|cwd| path.strip_prefix(cwd)) {
        Some(relative) => relative.trim_start_matches('/').to_owned(),
        None => path,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stack::capture;

    #[inline(never)]
    fn a_function_of_the_application() -> Stacktrace {
        capture().unwrap()
    }

    fn no_limit() -> Option<Instant> {
        None
    }

    fn process(stack: &mut Stacktrace) {
        let addresses = stack
            .frames
            .iter()
            .filter_map(|f| f.instruction_addr.map(|a| a.0 as usize))
            .collect();
        let resolution = symbolize(addresses, &no_limit).expect("the symbolizer answers");
        Symbolicator::default().process(stack, Some(&resolution));
    }

    #[test]
    fn raw_frames_become_functions_files_and_lines_with_the_capture_path_trimmed() {
        let mut stack = a_function_of_the_application();
        process(&mut stack);
        let top = stack.frames.last().unwrap();
        // This test is in the toolkit's crate, whose frames count as machinery: the top
        // frame is the first one outside it (the test harness calling the test).
        assert!(
            !top.function
                .as_deref()
                .unwrap_or("")
                .starts_with("monitor_runtime::"),
            "{top:?}"
        );
        let ours = stack.frames.iter().find(|f| {
            f.function
                .as_deref()
                .is_some_and(|n| n.ends_with("a_function_of_the_application"))
        });
        // Trimmed from the top, since it is the toolkit's own code.
        assert!(ours.is_none());
        let std_frame = stack
            .frames
            .iter()
            .find(|f| f.package.as_deref() == Some("std"))
            .expect("the test thread runs under std");
        assert_eq!(std_frame.in_app, Some(false));
        assert!(stack.frames.iter().all(|f| f.in_app.is_some()));
        assert!(
            stack
                .frames
                .iter()
                .any(|f| f.lineno.is_some() && f.filename.is_some())
        );
    }

    #[test]
    fn frames_with_a_function_are_kept_and_classified() {
        let mut stack = Stacktrace {
            frames: vec![
                Frame {
                    function: Some("app::main".into()),
                    abs_path: Some("/src/app/main.rs".into()),
                    ..Frame::default()
                },
                Frame {
                    function: Some("app::import::row".into()),
                    abs_path: Some("/src/app/import.rs".into()),
                    lineno: Some(12),
                    ..Frame::default()
                },
                Frame {
                    function: Some("anyhow::error::<impl anyhow::Error>::msg".into()),
                    abs_path: Some("/h/.cargo/registry/src/i/anyhow-1.0.0/src/error.rs".into()),
                    ..Frame::default()
                },
            ],
            ..Stacktrace::default()
        };
        Symbolicator::default().process(&mut stack, None);
        let names: Vec<_> = stack
            .frames
            .iter()
            .map(|f| f.function.clone().unwrap())
            .collect();
        assert_eq!(names, ["app::main", "app::import::row"]);
        assert!(stack.frames.iter().all(|f| f.in_app == Some(true)));
        assert_eq!(stack.frames[1].package.as_deref(), Some("app"));
    }

    #[test]
    fn past_the_cutoff_raw_frames_are_kept_whole() {
        let mut event = Event {
            exception: vec![sentry::protocol::Exception {
                ty: "E".into(),
                stacktrace: Some(a_function_of_the_application()),
                ..Default::default()
            }]
            .into(),
            ..Event::default()
        };
        let before = event.exception.values[0]
            .stacktrace
            .clone()
            .unwrap()
            .frames
            .len();
        // A cutoff already passed: the symbolizer is not even asked.
        let passed = Instant::now() - Duration::from_secs(1);
        let unique = Frame {
            instruction_addr: Some(usize::MAX.into()),
            ..Frame::default()
        };
        event.exception.values[0]
            .stacktrace
            .as_mut()
            .unwrap()
            .frames
            .push(unique);
        Symbolicator::default().process_event(&mut event, &|| Some(passed));
        let frames = &event.exception.values[0]
            .stacktrace
            .as_ref()
            .unwrap()
            .frames;
        assert_eq!(frames.len(), before + 1);
        assert!(
            frames
                .iter()
                .all(|f| f.function.is_none() && f.in_app == Some(false))
        );
    }

    #[test]
    fn paths_are_shortened_for_display() {
        assert_eq!(
            short_path(
                "/home/u/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/tokio-1.48.0/src/lib.rs"
            ),
            "tokio-1.48.0/src/lib.rs"
        );
        assert_eq!(
            short_path("/rustc/4eb1/library/core/src/ops/function.rs"),
            "library/core/src/ops/function.rs"
        );
        let cwd = std::env::current_dir().unwrap();
        let inside = cwd.join("src/lib.rs");
        assert_eq!(short_path(&inside.to_string_lossy()), "src/lib.rs");
    }
}
