//! TEMPORARY STUB (replaced by the config branch at merge).
#![allow(missing_docs, dead_code)]
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::environment::Profile;
use crate::sampling::SamplerRules;

#[derive(Debug, Clone)]
pub struct ConfigError(String);
impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for ConfigError {}

#[derive(Debug, Clone, Default)]
pub struct Config {
    dsn: Option<sentry::types::Dsn>,
    environment: String,
    release: Option<String>,
    default_release: Option<String>,
    traces_sample_rate: Option<f32>,
    rules: SamplerRules,
    events_file: Option<PathBuf>,
    spotlight: Option<String>,
    install_logging: bool,
}
impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            environment: "development".into(),
            ..Default::default()
        })
    }
    pub fn validate(&self) -> Result<(), ConfigError> {
        Ok(())
    }
    pub fn dsn_str(self, _d: &str) -> Self {
        self
    }
    pub fn environment(&self) -> &str {
        if self.environment.is_empty() {
            "development"
        } else {
            &self.environment
        }
    }
    pub fn profile(&self) -> Profile {
        Profile::Development
    }
    pub fn dsn(&self) -> Option<&sentry::types::Dsn> {
        self.dsn.as_ref()
    }
    pub fn is_local(&self) -> bool {
        self.dsn.is_none()
    }
    pub fn release(&self) -> Option<&str> {
        self.release.as_deref().or(self.default_release.as_deref())
    }
    pub fn default_release(mut self, r: impl Into<String>) -> Self {
        self.default_release = Some(r.into());
        self
    }
    pub fn traces_sample_rate(&self) -> f32 {
        self.traces_sample_rate.unwrap_or(1.0)
    }
    pub fn sample_rate(&self) -> f32 {
        1.0
    }
    pub fn tracing_enabled(&self) -> bool {
        true
    }
    pub fn debug(&self) -> bool {
        false
    }
    pub fn send_default_pii(&self) -> bool {
        false
    }
    pub fn max_breadcrumbs(&self) -> usize {
        50
    }
    pub fn sampler_rules(&self) -> &SamplerRules {
        &self.rules
    }
    pub fn spotlight(&self) -> Option<&str> {
        self.spotlight.as_deref()
    }
    pub fn events_file(&self) -> Option<&Path> {
        self.events_file.as_deref()
    }
    pub fn server_name(&self) -> Option<&str> {
        None
    }
    pub fn shutdown_timeout(&self) -> Duration {
        Duration::from_secs(2)
    }
    pub fn queue_capacity(&self) -> usize {
        100
    }
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(2)
    }
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(5)
    }
    pub fn ignored_error_types(&self) -> &[String] {
        &[]
    }
    pub fn min_event_level(&self) -> sentry::Level {
        sentry::Level::Debug
    }
    pub fn scrub_keys(&self) -> &[String] {
        &[]
    }
    pub fn install_logging(&self) -> bool {
        self.install_logging
    }
    pub fn warnings(&self) -> &[String] {
        &[]
    }
    pub fn log_filter(&self) -> String {
        "info".into()
    }
}
impl ConfigError {
    pub(crate) fn transport(m: String) -> Self {
        ConfigError(m)
    }
}
impl Config {
    pub fn with_environment(mut self, e: impl Into<String>) -> Self {
        self.environment = e.into();
        self
    }
    pub fn with_release(mut self, e: impl Into<String>) -> Self {
        self.release = Some(e.into());
        self
    }
    pub fn with_traces_sample_rate(mut self, r: f32) -> Self {
        self.traces_sample_rate = Some(r);
        self
    }
    pub fn with_install_logging(mut self, b: bool) -> Self {
        self.install_logging = b;
        self
    }
}
