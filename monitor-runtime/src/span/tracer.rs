//! What the toolkit knows about the client a span starts under.
//!
//! A client built by `init!()` (or `testing`) carries the [`Tracer`] integration: its
//! sampler, which the span layer calls directly instead of building a
//! `TransactionContext` for the SDK, and the promise that its transport merges grafts
//! (`graft.rs`). A plain `sentry::init` or `sentry::test` client has none; the span layer
//! then reads the client's own sampling options.
//!
//! Looking an integration up goes through the hub (`Hub::with_integration`, the SDK keeps
//! `Client::get_integration` private), so each thread remembers the last client it saw and
//! its tracer: a pointer comparison on the hot path.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use sentry::protocol::{ClientSdkInfo, ClientSdkPackage};
use sentry::{Client, ClientOptions, Hub, Integration};

use crate::sampling::{Sampler, TailSampling, note_sdk_transaction};

/// The toolkit's per-client state, installed as an SDK integration by `init`.
#[derive(Debug, Clone)]
pub(crate) struct Tracer {
    state: Arc<TracerState>,
}

/// See [`Tracer`].
#[derive(Debug)]
pub(crate) struct TracerState {
    /// The client's sampler; `None` when tracing is disabled.
    pub(crate) sampler: Option<Sampler>,
    /// Tail sampling (off unless configured).
    pub(crate) tail: TailSampling,
    sdk: OnceLock<ClientSdkInfo>,
}

impl Tracer {
    pub(crate) fn new(sampler: Option<Sampler>, tail: TailSampling) -> Tracer {
        Tracer {
            state: Arc::new(TracerState {
                sampler,
                tail,
                sdk: OnceLock::new(),
            }),
        }
    }
}

impl TracerState {
    /// The SDK info the client reports, built once.
    pub(crate) fn sdk_info(&self, client: &Client) -> ClientSdkInfo {
        self.sdk.get_or_init(|| build_sdk_info(client)).clone()
    }
}

impl Integration for Tracer {
    fn name(&self) -> &'static str {
        "monitor-runtime-tracer"
    }

    fn setup(&self, _options: &mut ClientOptions) {}
}

/// Installs the toolkit's span recording on `options`: the sampler (when tracing is on)
/// and the [`Tracer`] integration that lets spans find it.
///
/// With tail sampling on, the sampler draws the head decision itself and tells the SDK to
/// record every transaction (rate 1): those the draw did not sample are decided when the
/// SDK sends them (`tail::decide_envelope`, in the toolkit's transport).
pub(crate) fn install(
    options: ClientOptions,
    sampler: Option<Sampler>,
    tail: TailSampling,
) -> ClientOptions {
    if tail.is_on() {
        super::tail::activate();
    }
    let options = match sampler.clone() {
        Some(sampler) => options.traces_sampler(move |ctx| {
            note_sdk_transaction();
            let rate = sampler.rate(ctx);
            // A transaction without a parent decision heads its trace here: remember what
            // it was sampled with, for the trace's dynamic sampling context.
            if ctx.sampled().is_none() {
                crate::trace_context::trace_state::note_head(ctx.trace_id(), ctx.name(), rate);
            }
            if !tail.is_on() {
                return rate;
            }
            let head = super::ids::sample(f64::from(rate));
            super::tail::note_sdk(ctx.trace_id(), ctx.span_id(), head, tail);
            1.0
        }),
        None => options,
    };
    options.add_integration(Tracer::new(sampler, tail))
}

/// The SDK's name, as the SDK reports it.
const SDK_NAME: &str = "sentry.rust";

/// What the SDK reports about itself: its name and version (read from the client's user
/// agent, `sentry.rust/<version>`, since the SDK keeps its own copy private) and the names
/// of the client's integrations.
pub(crate) fn build_sdk_info(client: &Client) -> ClientSdkInfo {
    let options = client.options();
    let version = options
        .user_agent
        .strip_prefix("sentry.rust/")
        .unwrap_or("unknown")
        .to_owned();
    ClientSdkInfo {
        name: SDK_NAME.to_owned(),
        version: version.clone(),
        packages: vec![ClientSdkPackage {
            name: "cargo:sentry".to_owned(),
            version,
        }],
        integrations: options
            .integrations
            .iter()
            .map(|integration| integration.name().to_owned())
            .collect(),
    }
}

/// An enabled client and its tracer, if it has one.
type Seen = (Arc<Client>, Option<Arc<TracerState>>);

thread_local! {
    /// The last enabled client seen on this thread. Holding the client keeps its address
    /// from being reused by another one.
    static LAST: RefCell<Option<Seen>> = const { RefCell::new(None) };
}

/// The tracer of `client` (bound to `hub`): `None` when the client is disabled,
/// `Some(None)` when the toolkit did not build it.
///
/// The SDK's `Client::is_enabled` reads a lock shared by every thread; it is checked when
/// a thread first meets a client, not on every call. A client closed later (at shutdown)
/// still sees spans started, and drops what they send.
#[inline]
pub(crate) fn of(hub: &Hub, client: &Arc<Client>) -> Option<Option<Arc<TracerState>>> {
    let cached = LAST.try_with(|last| {
        let last = last.try_borrow().ok()?;
        let (seen, tracer) = last.as_ref()?;
        Arc::ptr_eq(seen, client).then(|| tracer.clone())
    });
    match cached {
        Ok(Some(tracer)) => Some(tracer),
        _ => look_up(hub, client),
    }
}

/// `None` when `client` is disabled; else its tracer, remembered for this thread.
#[cold]
fn look_up(hub: &Hub, client: &Arc<Client>) -> Option<Option<Arc<TracerState>>> {
    if !client.is_enabled() {
        return None;
    }
    let tracer = hub.with_integration(|tracer: &Tracer| Some(tracer.state.clone()));
    let _ = LAST.try_with(|last| {
        if let Ok(mut last) = last.try_borrow_mut() {
            *last = Some((client.clone(), tracer.clone()));
        }
    });
    Some(tracer)
}
