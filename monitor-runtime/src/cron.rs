//! Cron monitoring: check-ins for scheduled jobs.
//!
//! A job sends `in_progress` when it starts and `ok` or `error` when it ends, with its
//! duration, both under one `check_in_id`; Sentry raises an issue when a run fails, runs
//! too long, or does not happen on schedule. `#[monitored(check_in = "slug")]` does this
//! for a function; [`CronMonitor`] does it for any stretch of code.
//!
//! A schedule, given once, is sent with every check-in as the monitor's configuration, so
//! the monitor is created (or updated) in Sentry by the job itself.

use std::time::Instant;

use sentry::Hub;
use sentry::protocol::{
    Envelope, MonitorCheckIn, MonitorCheckInStatus, MonitorConfig, MonitorIntervalUnit,
    MonitorSchedule,
};
use sentry::types::Uuid;

/// How often a job is expected to run.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Schedule {
    /// A crontab expression, such as `0 3 * * *`.
    Crontab(String),
    /// Every `n` units.
    Interval(u64, MonitorIntervalUnit),
}

/// A scheduled job's monitor.
///
/// ```
/// use monitor_runtime::cron::CronMonitor;
///
/// let nightly = CronMonitor::new("nightly-import").crontab("0 3 * * *").max_runtime(60);
/// let result: Result<u32, String> = nightly.run(|| Ok(120));
/// assert_eq!(result, Ok(120));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct CronMonitor {
    slug: String,
    schedule: Option<Schedule>,
    checkin_margin: Option<u64>,
    max_runtime: Option<u64>,
    timezone: Option<String>,
    heartbeat: bool,
}

impl CronMonitor {
    /// The monitor with this slug (lowercase letters, digits, `-` and `_`).
    pub fn new(slug: impl Into<String>) -> Self {
        CronMonitor {
            slug: slug.into(),
            schedule: None,
            checkin_margin: None,
            max_runtime: None,
            timezone: None,
            heartbeat: false,
        }
    }

    /// Sends only the closing check-in of each run, with its status and duration, as
    /// Sentry's heartbeat monitors expect: no `in_progress` when the run starts.
    ///
    /// ```
    /// use monitor_runtime::cron::CronMonitor;
    ///
    /// let sync = CronMonitor::new("inventory-sync").heartbeat();
    /// let synced: Result<u32, String> = sync.run(|| Ok(3));
    /// # assert_eq!(synced, Ok(3));
    /// ```
    pub fn heartbeat(mut self) -> Self {
        self.heartbeat = true;
        self
    }

    /// Expected on a crontab schedule.
    pub fn crontab(mut self, expression: impl Into<String>) -> Self {
        self.schedule = Some(Schedule::Crontab(expression.into()));
        self
    }

    /// Expected every `value` `unit`s.
    pub fn interval(mut self, value: u64, unit: MonitorIntervalUnit) -> Self {
        self.schedule = Some(Schedule::Interval(value, unit));
        self
    }

    /// Minutes after the expected time before a run counts as missed.
    pub fn checkin_margin(mut self, minutes: u64) -> Self {
        self.checkin_margin = Some(minutes);
        self
    }

    /// Minutes a run may take before it counts as failed.
    pub fn max_runtime(mut self, minutes: u64) -> Self {
        self.max_runtime = Some(minutes);
        self
    }

    /// The time zone the crontab schedule is in (tz database name, such as `Europe/Paris`).
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = Some(timezone.into());
        self
    }

    /// Sends `in_progress` (unless [`heartbeat`](Self::heartbeat)) and returns the run;
    /// finish it with [`CheckIn::ok`] or [`CheckIn::error`]. Dropped unfinished (a panic, a
    /// cancelled future), it reports `error`.
    pub fn start(&self) -> CheckIn {
        CheckIn::start(&self.slug, self.config(), self.heartbeat)
    }

    /// Runs `job` between the two check-ins: `ok` when it returns `Ok`, `error` when it
    /// returns `Err` or panics.
    pub fn run<T, E>(&self, job: impl FnOnce() -> Result<T, E>) -> Result<T, E> {
        let check_in = self.start();
        let result = job();
        check_in.finish(result.is_ok());
        result
    }

    fn config(&self) -> Option<MonitorConfig> {
        let schedule = match self.schedule.as_ref()? {
            Schedule::Crontab(value) => MonitorSchedule::Crontab {
                value: value.clone(),
            },
            Schedule::Interval(value, unit) => MonitorSchedule::Interval {
                value: *value,
                unit: *unit,
            },
        };
        Some(MonitorConfig {
            schedule,
            checkin_margin: self.checkin_margin,
            max_runtime: self.max_runtime,
            timezone: self.timezone.clone(),
            failure_issue_threshold: None,
            recovery_threshold: None,
        })
    }
}

/// One run of a monitored job, between its `in_progress` and its closing check-in.
#[must_use = "dropping the run reports it as failed"]
pub struct CheckIn {
    pending: Option<Pending>,
}

#[derive(Debug)]
struct Pending {
    id: Uuid,
    slug: String,
    config: Option<MonitorConfig>,
    started: Instant,
}

impl CheckIn {
    fn start(slug: &str, config: Option<MonitorConfig>, heartbeat: bool) -> CheckIn {
        if Hub::current().client().is_none_or(|c| !c.is_enabled()) {
            return CheckIn { pending: None };
        }
        let pending = Pending {
            id: sentry::types::random_uuid(),
            slug: slug.to_owned(),
            config,
            started: Instant::now(),
        };
        if !heartbeat {
            send(&pending, MonitorCheckInStatus::InProgress, None);
        }
        CheckIn {
            pending: Some(pending),
        }
    }

    /// The id both check-ins of this run carry (nil when no client is enabled).
    pub fn id(&self) -> Uuid {
        self.pending.as_ref().map(|p| p.id).unwrap_or_default()
    }

    /// Reports the run as successful.
    pub fn ok(self) {
        self.finish(true);
    }

    /// Reports the run as failed.
    pub fn error(self) {
        self.finish(false);
    }

    /// Reports the run as successful or not.
    pub fn finish(mut self, success: bool) {
        self.close(success);
    }

    fn close(&mut self, success: bool) {
        if let Some(pending) = self.pending.take() {
            let status = if success {
                MonitorCheckInStatus::Ok
            } else {
                MonitorCheckInStatus::Error
            };
            send(
                &pending,
                status,
                Some(pending.started.elapsed().as_secs_f64()),
            );
        }
    }

    /// Used by `#[monitored(check_in = …)]`: reports the run from whether the function
    /// returned an error.
    #[doc(hidden)]
    pub fn complete(&mut self, is_err: bool) {
        self.close(!is_err);
    }
}

impl std::fmt::Debug for CheckIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckIn").field("id", &self.id()).finish()
    }
}

impl Drop for CheckIn {
    fn drop(&mut self) {
        self.close(false);
    }
}

fn send(pending: &Pending, status: MonitorCheckInStatus, duration: Option<f64>) {
    let Some(client) = Hub::current().client() else {
        return;
    };
    let check_in = MonitorCheckIn {
        check_in_id: pending.id,
        monitor_slug: pending.slug.clone(),
        status,
        environment: client.options().environment.as_ref().map(|e| e.to_string()),
        duration,
        monitor_config: pending.config.clone(),
    };
    client.send_envelope(Envelope::from(check_in));
}

/// What `#[monitored(check_in(...))]` expands to.
#[doc(hidden)]
pub mod expansion {
    use super::{CheckIn, CronMonitor};
    use crate::registry::FnSite;
    pub use crate::registry::check_in::{Monitor, Schedule};

    pub use sentry::protocol::MonitorIntervalUnit as IntervalUnit;

    /// Starts the run of one call of the function at `site` (`in_progress`, unless the
    /// monitor is a heartbeat).
    #[inline(never)]
    pub fn start(site: &'static FnSite) -> CheckIn {
        let Some(monitor) = site.spec.check_in else {
            return CheckIn { pending: None };
        };
        // No enabled client here: nothing would be sent (`Hub::with_active` runs its
        // closure only under one).
        if !sentry::Hub::with_active(|_| true) {
            return CheckIn { pending: None };
        }
        let mut cron = CronMonitor::new(monitor.slug);
        cron = match monitor.schedule {
            Some(Schedule::Crontab(expression)) => cron.crontab(expression),
            Some(Schedule::Interval(value, unit)) => cron.interval(value, unit),
            None => cron,
        };
        if let Some(margin) = monitor.checkin_margin {
            cron = cron.checkin_margin(margin);
        }
        if let Some(max_runtime) = monitor.max_runtime {
            cron = cron.max_runtime(max_runtime);
        }
        if let Some(timezone) = monitor.timezone {
            cron = cron.timezone(timezone);
        }
        if monitor.heartbeat {
            cron = cron.heartbeat();
        }
        cron.start()
    }
}
