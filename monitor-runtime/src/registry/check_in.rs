//! The cron monitor written in `#[monitored(check_in(...))]`, as a function's site holds
//! it. Generated code names these types through `cron::expansion`, which also holds what
//! runs the check-ins; they sit here so that a site's spec does not depend on `cron`.

use sentry::protocol::MonitorIntervalUnit;

/// A schedule written in the attribute.
#[derive(Debug, Clone, Copy)]
pub enum Schedule {
    /// `schedule = "…"`.
    Crontab(&'static str),
    /// `interval = "…"`.
    Interval(u64, MonitorIntervalUnit),
}

/// The monitor written in the attribute.
#[derive(Debug, Clone, Copy)]
pub struct Monitor {
    /// `slug`.
    pub slug: &'static str,
    /// `schedule` or `interval`.
    pub schedule: Option<Schedule>,
    /// `checkin_margin`.
    pub checkin_margin: Option<u64>,
    /// `max_runtime`.
    pub max_runtime: Option<u64>,
    /// `timezone`.
    pub timezone: Option<&'static str>,
    /// `heartbeat`: only the closing check-in is sent.
    pub heartbeat: bool,
}
