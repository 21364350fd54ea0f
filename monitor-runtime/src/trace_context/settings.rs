//! The propagation settings of a client: which URLs get trace headers, and whether a W3C
//! `traceparent` goes with them.
//!
//! They ride on the client as an integration, so each client (the one `init!()` binds, a
//! `testing` capture running beside it) propagates by its own configuration; a client
//! built with a plain `sentry::init` has none and gets the defaults.

use std::sync::LazyLock;

use sentry::{ClientOptions, Hub, Integration, TracesSamplingStrategy};

use crate::pattern::PatternList;

/// What `init` installs on its client.
#[derive(Debug, Clone)]
pub(crate) struct PropagationSettings {
    pub(crate) targets: PatternList,
    pub(crate) traceparent: bool,
    /// Whether the client samples traces: an unsampled span then means "not sampled",
    /// else the decision is deferred.
    pub(crate) tracing: bool,
}

impl Default for PropagationSettings {
    fn default() -> Self {
        PropagationSettings {
            targets: default_targets(),
            traceparent: false,
            tracing: true,
        }
    }
}

/// Every URL, as the Python, Node, Java, .NET and Ruby SDKs do on servers.
pub(crate) fn default_targets() -> PatternList {
    PatternList::parse("*").anywhere()
}

static DEFAULTS: LazyLock<PropagationSettings> = LazyLock::new(PropagationSettings::default);

impl Integration for PropagationSettings {
    fn name(&self) -> &'static str {
        "monitor-propagation"
    }

    fn setup(&self, _options: &mut ClientOptions) {}
}

impl PropagationSettings {
    /// Runs `f` with the settings of the client bound here and whether that client
    /// samples traces: the defaults when the client was not built by the toolkit; `None`
    /// when no client is bound.
    pub(crate) fn with_current<R>(f: impl FnOnce(&PropagationSettings, bool) -> R) -> Option<R> {
        let mut f = Some(f);
        let mut call =
            |settings: &PropagationSettings, tracing| f.take().map(|f| f(settings, tracing));
        Hub::with_active(|hub| {
            hub.with_integration(|settings: &PropagationSettings| call(settings, settings.tracing))
                .or_else(|| {
                    let tracing = hub.client().is_some_and(|client| {
                        !matches!(
                            client.options().traces_sampling_strategy,
                            TracesSamplingStrategy::Disabled
                        )
                    });
                    call(&DEFAULTS, tracing)
                })
        })
    }

    /// Whether a request to `url` gets trace headers.
    pub(crate) fn propagates_to(&self, url: &str) -> bool {
        self.targets.matches(url)
    }
}
