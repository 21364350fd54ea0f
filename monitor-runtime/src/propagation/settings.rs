//! The propagation settings of a client: which URLs get trace headers, and whether a W3C
//! `traceparent` goes with them.
//!
//! They ride on the client as an integration, so each client (the one `init!()` binds, a
//! `testing` capture running beside it) propagates by its own configuration; a client
//! built with a plain `sentry::init` has none and gets the defaults.

use std::sync::LazyLock;

use sentry::{ClientOptions, Hub, Integration};

use crate::pattern::PatternList;

/// What `init` installs on its client.
#[derive(Debug, Clone)]
pub(crate) struct PropagationSettings {
    pub(crate) targets: PatternList,
    pub(crate) traceparent: bool,
}

impl Default for PropagationSettings {
    fn default() -> Self {
        PropagationSettings {
            targets: default_targets(),
            traceparent: false,
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
    /// Runs `f` with the settings of the client bound here: the defaults when the client
    /// was not built by the toolkit; `None` when no client is bound.
    pub(crate) fn with_current<R>(f: impl FnOnce(&PropagationSettings) -> R) -> Option<R> {
        let mut f = Some(f);
        let mut call = |settings: &PropagationSettings| f.take().map(|f| f(settings));
        Hub::with_active(|hub| {
            hub.with_integration(|settings: &PropagationSettings| call(settings))
                .or_else(|| call(&DEFAULTS))
        })
    }

    /// Whether a request to `url` gets trace headers.
    pub(crate) fn propagates_to(&self, url: &str) -> bool {
        self.targets.matches(url)
    }
}
