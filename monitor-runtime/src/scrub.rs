//! TEMPORARY STUB (replaced by the scrub branch at merge).
#![allow(missing_docs, dead_code)]
#[derive(Debug, Clone)]
pub struct Scrubber;
impl Scrubber {
    pub fn new(_pii: bool) -> Self { Scrubber }
    pub fn with_extra_keys<I: IntoIterator<Item = S>, S: Into<String>>(self, _k: I) -> Self { self }
    pub fn scrub_event(&self, _e: &mut sentry::protocol::Event<'static>) {}
    pub fn scrub_breadcrumb(&self, _b: &mut sentry::protocol::Breadcrumb) {}
    pub fn scrub_log(&self, _l: &mut sentry::protocol::Log) {}
    pub fn scrub_metric(&self, _m: &mut sentry::protocol::Metric) {}
    pub fn scrub_envelope(&self, e: sentry::Envelope) -> sentry::Envelope { e }
}
