//! TEMPORARY STUB (replaced by the config branch at merge).
#![allow(missing_docs, dead_code)]
pub const FUNCTION_SAMPLE_RATE_KEY: &str = "monitor.sample_rate";
#[derive(Debug, Clone, Default)]
pub struct SamplerRules;
pub struct Sampler {
    rate: f32,
}
impl Sampler {
    pub fn new(_rules: SamplerRules, rate: f32) -> Self {
        Sampler { rate }
    }
    pub fn rate(&self, ctx: &sentry::TransactionContext) -> f32 {
        if let Some(s) = ctx.sampled() {
            return if s { 1.0 } else { 0.0 };
        }
        if let Some(r) = ctx
            .custom()
            .and_then(|c| c.get(FUNCTION_SAMPLE_RATE_KEY))
            .and_then(|v| v.as_f64())
        {
            return r as f32;
        }
        self.rate
    }
    pub fn into_traces_sampler(
        self,
    ) -> impl Fn(&sentry::TransactionContext) -> f32 + Send + Sync + 'static {
        move |c| self.rate(c)
    }
}
pub struct SamplerRule;
impl SamplerRule {
    pub fn matches(&self, _n: &str) -> bool {
        true
    }
    pub fn pattern(&self) -> &str {
        ""
    }
    pub fn rate(&self) -> f32 {
        0.0
    }
}
impl SamplerRules {
    pub fn rules(&self) -> &[SamplerRule] {
        &[]
    }
}
