//! `#[capture_errors]`: the event's content for each kind of error, its tags, context,
//! level and type, `skip_if`, `ErrorClass`, one event per failure through nested
//! annotated frames, and the current span's status.

use std::borrow::Cow;
use std::error::Error;
use std::fmt::Debug;

use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::protocol::{Context, Event, SpanStatus};
use monitor_runtime::{ErrorClass, capture_errors, monitored};
use monitor_tests::*;

#[derive(Debug, thiserror::Error)]
#[error("low level failure")]
struct LowLevel;

#[derive(Debug, thiserror::Error)]
#[error("mid level failure")]
struct MidLevel(#[source] LowLevel);

#[derive(Debug, thiserror::Error)]
#[error("loading the configuration failed")]
struct ConfigError {
    #[source]
    source: MidLevel,
}

fn config_error() -> ConfigError {
    ConfigError {
        source: MidLevel(LowLevel),
    }
}

fn types(event: &Event<'_>) -> Vec<String> {
    event
        .exception
        .values
        .iter()
        .map(|e| e.ty.clone())
        .collect()
}

/// The `capture_errors` context of an event.
fn context<'a>(
    event: &'a Event<'_>,
) -> &'a monitor_runtime::sentry::protocol::Map<String, monitor_runtime::sentry::protocol::Value> {
    match event.contexts.get("capture_errors") {
        Some(Context::Other(map)) => map,
        other => panic!("no capture_errors context: {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------
// Error kinds

#[capture_errors]
fn std_error() -> Result<u32, ConfigError> {
    Err(config_error())
}

#[test]
fn std_error_with_source_chain() {
    let (_, c) = run(std_error);
    let event = assert_one_error(&c, "capture_errors::std_error", "ConfigError");
    // Innermost first, as Sentry stores a chain.
    assert_eq!(
        exception_values(event),
        [
            "low level failure",
            "mid level failure",
            "loading the configuration failed"
        ]
    );
    assert_eq!(types(event), ["LowLevel", "MidLevel", "ConfigError"]);
    assert_eq!(event.level, Level::Error);
    // Only the outermost carries the mechanism.
    assert!(event.exception.values[0].mechanism.is_none());
}

#[capture_errors]
fn boxed_error(message: bool) -> Result<u32, Box<dyn Error + Send + Sync>> {
    if message {
        return Err("a plain message".into());
    }
    Err(Box::new(config_error()))
}

#[test]
fn boxed_dyn_error() {
    let (_, c) = run(|| boxed_error(false));
    let event = assert_one_error(&c, "capture_errors::boxed_error", "ConfigError");
    assert_eq!(exception_values(event).len(), 3);
    assert_eq!(
        exception_values(event).last().map(String::as_str),
        Some("loading the configuration failed")
    );
    let (_, c) = run(|| boxed_error(true));
    let event = errors(&c)[0];
    assert_eq!(exception_values(event), ["a plain message"]);
}

#[capture_errors]
fn with_anyhow(input: &str) -> anyhow::Result<u32> {
    use anyhow::Context as _;
    let port: u32 = input.parse().context("reading the port")?;
    Ok(port)
}

#[test]
fn anyhow_error_keeps_its_context_chain() {
    let (out, c) = run(|| with_anyhow("eighty"));
    assert!(out.is_err());
    let event = errors(&c)[0];
    assert_eq!(
        exception_values(event),
        ["invalid digit found in string", "reading the port"]
    );
    assert_eq!(
        event.tags.get("function").map(String::as_str),
        Some("capture_errors::with_anyhow")
    );
    assert!(event.tags.get("error_type").is_some_and(|t| !t.is_empty()));
    let mechanism = event
        .exception
        .values
        .last()
        .and_then(|e| e.mechanism.as_ref());
    assert_eq!(mechanism.map(|m| m.ty.as_str()), Some("capture_errors"));
    // Ok is not an error.
    let (out, c) = run(|| with_anyhow("80"));
    assert_eq!(out.ok(), Some(80));
    assert_no_errors(&c);
}

#[derive(Debug)]
#[allow(dead_code, reason = "read through Debug")]
struct Code(u16);

#[capture_errors]
fn debug_only() -> Result<(), Code> {
    Err(Code(7))
}

#[test]
fn debug_only_error() {
    let (_, c) = run(debug_only);
    let event = assert_one_error(&c, "capture_errors::debug_only", "Code");
    assert_eq!(exception_values(event), ["Code(7)"]);
}

#[capture_errors]
fn string_error() -> Result<(), String> {
    Err("the disk is full".to_owned())
}

#[capture_errors]
fn str_error() -> Result<(), &'static str> {
    Err("the disk is full")
}

#[test]
fn string_errors_use_their_text() {
    let (_, c) = run(string_error);
    let event = assert_one_error(&c, "capture_errors::string_error", "String");
    assert_eq!(exception_values(event), ["the disk is full"]);
    let (_, c) = run(str_error);
    let event = assert_one_error(&c, "capture_errors::str_error", "&str");
    assert_eq!(exception_values(event), ["the disk is full"]);
}

#[capture_errors]
fn io_alias() -> std::io::Result<u32> {
    Err(std::io::Error::other("the disk is on fire"))
}

type AppResult<T> = Result<T, ConfigError>;

#[capture_errors]
fn app_alias() -> AppResult<u32> {
    Err(config_error())
}

#[test]
fn result_aliases() {
    let (_, c) = run(io_alias);
    let event = assert_one_error(&c, "capture_errors::io_alias", "io::Error");
    assert_eq!(exception_values(event), ["the disk is on fire"]);
    let (_, c) = run(app_alias);
    assert_one_error(&c, "capture_errors::app_alias", "ConfigError");
}

#[capture_errors]
fn generic_error<E: Error>(e: E) -> Result<(), E> {
    Err(e)
}

#[capture_errors]
fn generic_debug<E: Debug>(e: E) -> Result<(), E> {
    Err(e)
}

#[test]
fn generic_error_types_are_specialised_per_bound() {
    let (_, c) = run(|| generic_error(config_error()));
    let event = assert_one_error(&c, "capture_errors::generic_error", "ConfigError");
    assert_eq!(exception_values(event).len(), 3);
    let (_, c) = run(|| generic_debug(Code(3)));
    let event = assert_one_error(&c, "capture_errors::generic_debug", "Code");
    assert_eq!(exception_values(event), ["Code(3)"]);
}

// ---------------------------------------------------------------------------------------
// Options

struct Tenant {
    id: u32,
}

#[capture_errors(tags(op = "deploy", tenant = tenant.id), data(app_id, attempt = attempt + 1))]
fn deploy(tenant: &Tenant, app_id: &str, attempt: u32) -> Result<(), String> {
    let _ = (tenant, app_id, attempt);
    Err("deploy failed".into())
}

#[test]
fn tags_and_data() {
    let (_, c) = run(|| deploy(&Tenant { id: 42 }, "billing", 1));
    let event = assert_one_error(&c, "capture_errors::deploy", "String");
    assert_eq!(event.tags.get("op").map(String::as_str), Some("deploy"));
    assert_eq!(event.tags.get("tenant").map(String::as_str), Some("42"));
    let context = context(event);
    assert_eq!(context.get("app_id"), Some(&"billing".into()));
    assert_eq!(context.get("attempt"), Some(&2.into()));
    assert_eq!(
        context.get("function"),
        Some(&"capture_errors::deploy".into())
    );
    assert_eq!(context.get("module"), Some(&"capture_errors".into()));
}

#[capture_errors(level = "warning")]
fn warns() -> Result<(), String> {
    Err("a warning".into())
}

#[capture_errors(level = "fatal", error_type = "proxmox")]
fn fatal_proxmox() -> Result<(), ConfigError> {
    Err(config_error())
}

#[test]
fn level_and_error_type_override() {
    let (_, c) = run(warns);
    assert_eq!(
        assert_one_error(&c, "capture_errors::warns", "String").level,
        Level::Warning
    );
    let (_, c) = run(fatal_proxmox);
    let event = assert_one_error(&c, "capture_errors::fatal_proxmox", "proxmox");
    assert_eq!(event.level, Level::Fatal);
    // The exception keeps its own type; only the tag is overridden.
    assert_eq!(types(event).last().map(String::as_str), Some("ConfigError"));
}

#[derive(Debug, thiserror::Error)]
enum HttpError {
    #[error("bad request: {0}")]
    Client(String),
    #[error("upstream failed")]
    Server,
}

fn is_client_error(e: &HttpError) -> bool {
    matches!(e, HttpError::Client(_))
}

#[capture_errors(skip_if = is_client_error)]
fn call_api(client_error: bool) -> Result<(), HttpError> {
    if client_error {
        Err(HttpError::Client("missing field".into()))
    } else {
        Err(HttpError::Server)
    }
}

#[capture_errors(skip_if = |e| e.starts_with("ignore"))]
fn maybe_ignored(message: &str) -> Result<(), String> {
    Err(message.to_owned())
}

#[test]
fn skip_if_is_honoured() {
    let (_, c) = run(|| call_api(true));
    assert_no_errors(&c);
    let (_, c) = run(|| call_api(false));
    let event = assert_one_error(&c, "capture_errors::call_api", "HttpError");
    assert_eq!(exception_values(event), ["upstream failed"]);
    let (_, c) = run(|| (maybe_ignored("ignore me"), maybe_ignored("report me")));
    let event = assert_one_error(&c, "capture_errors::maybe_ignored", "String");
    assert_eq!(exception_values(event), ["report me"]);
}

// ---------------------------------------------------------------------------------------
// ErrorClass

#[derive(Debug, thiserror::Error)]
enum ApiError {
    #[error("not found")]
    NotFound,
    #[error("database: {0}")]
    Database(String),
    #[error("slow upstream")]
    Slow,
}

impl ErrorClass for ApiError {
    fn error_type(&self) -> Option<Cow<'static, str>> {
        Some(match self {
            ApiError::NotFound => "not_found".into(),
            ApiError::Database(_) => "database".into(),
            ApiError::Slow => "slow".into(),
        })
    }

    fn level(&self) -> Option<Level> {
        matches!(self, ApiError::Slow).then_some(Level::Warning)
    }

    fn should_report(&self) -> bool {
        !matches!(self, ApiError::NotFound)
    }

    fn span_status(&self) -> Option<SpanStatus> {
        Some(match self {
            ApiError::NotFound => SpanStatus::NotFound,
            ApiError::Database(_) => SpanStatus::InternalError,
            ApiError::Slow => SpanStatus::DeadlineExceeded,
        })
    }

    fn http_status(&self) -> Option<u16> {
        match self {
            ApiError::NotFound => Some(404),
            ApiError::Database(_) => Some(500),
            ApiError::Slow => Some(504),
        }
    }
}

#[monitored]
#[capture_errors]
fn handler(kind: u8) -> Result<(), ApiError> {
    match kind {
        0 => Err(ApiError::NotFound),
        1 => Err(ApiError::Database("connection refused".into())),
        _ => Err(ApiError::Slow),
    }
}

#[capture_errors(error_type = "api", level = "error")]
fn handler_with_options() -> Result<(), ApiError> {
    Err(ApiError::Slow)
}

#[test]
fn error_class_not_reported_sets_its_span_status() {
    let (_, c) = run(|| handler(0));
    assert_no_errors(&c);
    assert_child(
        &c,
        "capture_errors::handler",
        "function",
        SpanStatus::NotFound,
    );
}

#[test]
fn error_class_type_status_and_http_status() {
    let (_, c) = run(|| handler(1));
    let event = assert_one_error(&c, "capture_errors::handler", "database");
    assert_eq!(
        event.tags.get("status_code").map(String::as_str),
        Some("500")
    );
    assert_eq!(exception_values(event), ["database: connection refused"]);
    assert_child(
        &c,
        "capture_errors::handler",
        "function",
        SpanStatus::InternalError,
    );
}

#[test]
fn error_class_level_and_custom_status() {
    let (_, c) = run(|| handler(2));
    let event = assert_one_error(&c, "capture_errors::handler", "slow");
    assert_eq!(event.level, Level::Warning);
    assert_child(
        &c,
        "capture_errors::handler",
        "function",
        SpanStatus::DeadlineExceeded,
    );
}

#[test]
fn macro_options_win_over_error_class() {
    let (_, c) = run(handler_with_options);
    let event = assert_one_error(&c, "capture_errors::handler_with_options", "api");
    assert_eq!(event.level, Level::Error);
}

// ---------------------------------------------------------------------------------------
// One failure, one event

#[capture_errors]
fn frame3() -> Result<(), LowLevel> {
    Err(LowLevel)
}

#[capture_errors]
fn frame2() -> Result<(), MidLevel> {
    frame3().map_err(MidLevel)?;
    Ok(())
}

#[capture_errors]
fn frame1() -> Result<(), ConfigError> {
    frame2().map_err(|source| ConfigError { source })?;
    Ok(())
}

#[capture_errors]
fn same3() -> Result<(), String> {
    Err("same error".into())
}

#[capture_errors]
fn same2() -> Result<(), String> {
    same3()?;
    Ok(())
}

#[capture_errors]
fn same1() -> Result<(), String> {
    same2()?;
    Ok(())
}

#[test]
fn three_nested_frames_give_one_event() {
    let (_, c) = run(frame1);
    // Captured where it happened, innermost.
    let event = assert_one_error(&c, "capture_errors::frame3", "LowLevel");
    assert_eq!(exception_values(event), ["low level failure"]);
    let (_, c) = run(same1);
    assert_one_error(&c, "capture_errors::same3", "String");
}

#[test]
fn separate_failures_give_separate_events() {
    let (_, c) = run(|| {
        let _ = same1();
        let _ = same1();
        let _ = frame1();
    });
    assert_eq!(errors(&c).len(), 3);
}

#[capture_errors]
async fn async_frame3() -> Result<(), LowLevel> {
    tokio::task::yield_now().await;
    Err(LowLevel)
}

#[capture_errors]
async fn async_frame2() -> Result<(), MidLevel> {
    tokio::task::yield_now().await;
    async_frame3().await.map_err(MidLevel)?;
    Ok(())
}

#[monitored]
#[capture_errors]
async fn async_frame1() -> Result<(), ConfigError> {
    tokio::task::yield_now().await;
    async_frame2()
        .await
        .map_err(|source| ConfigError { source })?;
    Ok(())
}

#[test]
fn three_nested_async_frames_give_one_event() {
    let (_, c) = run_async(async {
        for _ in 0..3 {
            let _ = async_frame1().await;
        }
    });
    let events = errors(&c);
    assert_eq!(events.len(), 3, "one per call");
    for event in events {
        assert_eq!(
            event.tags.get("function").map(String::as_str),
            Some("capture_errors::async_frame3")
        );
    }
}

// ---------------------------------------------------------------------------------------
// The current span

#[capture_errors]
fn fails_quietly() -> Result<(), String> {
    Err("quiet".into())
}

#[capture_errors]
fn fails_not_found() -> Result<(), ApiError> {
    Err(ApiError::NotFound)
}

#[monitored]
fn parent_ignores_error() -> u32 {
    let _ = fails_quietly();
    7
}

#[monitored]
fn parent_ignores_not_found() -> u32 {
    let _ = fails_not_found();
    8
}

#[test]
fn current_span_status_is_set() {
    let (out, c) = run(|| (parent_ignores_error(), parent_ignores_not_found()));
    assert_eq!(out, (7, 8));
    let span = assert_child(
        &c,
        "capture_errors::parent_ignores_error",
        "function",
        SpanStatus::InternalError,
    );
    let event = assert_one_error(&c, "capture_errors::fails_quietly", "String");
    // The event is linked to the span it was captured in.
    assert_eq!(event_span_id(event), Some(span.span_id));
    assert_child(
        &c,
        "capture_errors::parent_ignores_not_found",
        "function",
        SpanStatus::NotFound,
    );
}

#[test]
fn nothing_happens_without_a_client() {
    assert!(frame1().is_err());
    assert!(handler(1).is_err());
    assert!(deploy(&Tenant { id: 1 }, "x", 0).is_err());
}

#[capture_errors]
async fn fetch_shared(task: usize) -> Result<usize, String> {
    tokio::task::yield_now().await;
    if task < usize::MAX {
        return Err("upstream timed out".to_owned());
    }
    Ok(task)
}

#[capture_errors]
async fn handle_shared(task: usize) -> Result<usize, String> {
    tokio::task::yield_now().await;
    let value = fetch_shared(task).await?;
    tokio::task::yield_now().await;
    Ok(value)
}

/// Concurrent tasks that fail the same way each report their own failure, once, even
/// when they share worker threads: the one-event-per-failure marker is scoped to the poll
/// in which an inner frame captured, so it never silences another task.
#[test]
fn concurrent_identical_failures_each_give_one_event() {
    const TASKS: usize = 40;
    let ((), captured) = monitor_runtime::testing::capture_async(async {
        let handles: Vec<_> = (0..TASKS)
            .map(|task| monitor_runtime::spawn(handle_shared(task)))
            .collect();
        for handle in handles {
            assert!(handle.await.expect("task").is_err());
        }
    });
    let functions: Vec<_> = captured
        .events()
        .iter()
        .map(|e| e.tags.get("function").cloned().unwrap_or_default())
        .collect();
    assert_eq!(functions.len(), TASKS, "{functions:?}");
    assert!(
        functions
            .iter()
            .all(|f| f == "capture_errors::fetch_shared"),
        "{functions:?}"
    );
}

#[capture_errors]
fn flaky_step() -> Result<(), String> {
    Err("step failed".to_owned())
}

#[capture_errors]
fn retrying_job() -> Result<(), String> {
    // The first failure is handled here (a retry), so it is its own report; the second
    // propagates and must not be reported a third time by this frame.
    let _ = flaky_step();
    flaky_step()?;
    Ok(())
}

#[test]
fn a_handled_failure_and_a_later_identical_one_are_two_reports() {
    let (result, c) = run(retrying_job);
    assert!(result.is_err());
    let functions: Vec<_> = c
        .events()
        .iter()
        .filter(|e| !e.exception.values.is_empty())
        .map(|e| e.tags.get("function").cloned().unwrap_or_default())
        .collect();
    assert_eq!(
        functions,
        ["capture_errors::flaky_step", "capture_errors::flaky_step"]
    );
}
