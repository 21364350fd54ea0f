//! TEMPORARY STUB (replaced by the transport branch at merge).
#![allow(missing_docs, dead_code)]
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sentry::Envelope;

pub(crate) struct TransportSettings {
    pub(crate) remote: Option<RemoteSettings>,
    pub(crate) console: bool,
    pub(crate) events_file: Option<std::path::PathBuf>,
    pub(crate) spotlight: Option<String>,
    pub(crate) queue_capacity: usize,
    #[cfg(feature = "testing")]
    pub(crate) capture: Option<Arc<capture::CaptureSink>>,
}
pub(crate) struct RemoteSettings {
    pub(crate) dsn: sentry::types::Dsn,
    pub(crate) connect_timeout: Duration,
    pub(crate) request_timeout: Duration,
    pub(crate) user_agent: String,
}
pub(crate) type EnvelopeHook = Arc<dyn Fn(Envelope) -> Option<Envelope> + Send + Sync>;

#[derive(Debug, Default)]
pub struct TransportError(pub String);
impl std::fmt::Display for TransportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(&self.0) }
}

pub(crate) fn validate(_s: &TransportSettings) -> Result<(), TransportError> { Ok(()) }

#[derive(Debug, Default)]
pub struct TransportStats;
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StatsSnapshot;
impl TransportStats {
    pub fn snapshot(&self) -> StatsSnapshot { StatsSnapshot }
}

pub(crate) struct TransportFactory {
    settings: TransportSettings,
    hook: Option<EnvelopeHook>,
    stats: Arc<TransportStats>,
}
impl TransportFactory {
    pub(crate) fn new(settings: TransportSettings, hook: Option<EnvelopeHook>, stats: Arc<TransportStats>) -> Self {
        TransportFactory { settings, hook, stats }
    }
}
struct Stub { hook: Option<EnvelopeHook>, #[cfg(feature = "testing")] capture: Option<Arc<capture::CaptureSink>> }
impl sentry::Transport for Stub {
    fn send_envelope(&self, envelope: Envelope) {
        let envelope = match &self.hook { Some(h) => match h(envelope) { Some(e) => e, None => return }, None => envelope };
        #[cfg(feature = "testing")]
        if let Some(c) = &self.capture { c.push(envelope); return; }
        let _ = envelope;
    }
}
impl sentry::TransportFactory for TransportFactory {
    fn create_transport_with_options(&self, _o: sentry::TransportOptions) -> Arc<dyn sentry::Transport> {
        Arc::new(Stub { hook: self.hook.clone(), #[cfg(feature = "testing")] capture: self.settings.capture.clone() })
    }
}

#[cfg(feature = "testing")]
pub(crate) mod capture {
    use super::*;
    #[derive(Default)]
    pub(crate) struct CaptureSink(Mutex<Vec<Envelope>>);
    impl CaptureSink {
        pub(crate) fn new() -> Arc<Self> { Arc::new(Self::default()) }
        pub(crate) fn push(&self, e: Envelope) { self.0.lock().unwrap().push(e) }
        pub(crate) fn take(&self) -> Vec<Envelope> { std::mem::take(&mut *self.0.lock().unwrap()) }
    }
}
