//! Cron check-ins: a successful, a failing and a panicking job each send `in_progress`
//! then `ok` or `error`, under one `check_in_id`, with a duration on the closing one; with
//! `CronMonitor` and with `#[monitored(check_in = …)]`.

use std::panic::{AssertUnwindSafe, catch_unwind};

use monitor_runtime::cron::CronMonitor;
use monitor_runtime::monitored;
use monitor_runtime::sentry::protocol::{
    MonitorCheckIn, MonitorCheckInStatus, MonitorIntervalUnit, MonitorSchedule,
};
use monitor_runtime::testing::{self, Captured};

/// Asserts the check-ins of one run of `slug` and returns them.
fn one_run<'a>(
    captured: &'a Captured,
    slug: &str,
    closing: MonitorCheckInStatus,
) -> [&'a MonitorCheckIn; 2] {
    let runs: Vec<_> = captured
        .check_ins()
        .into_iter()
        .filter(|c| c.monitor_slug == slug)
        .collect();
    assert_eq!(runs.len(), 2, "{slug}: {runs:#?}");
    let (opening, closing_check_in) = (runs[0], runs[1]);
    assert_eq!(opening.status, MonitorCheckInStatus::InProgress, "{slug}");
    assert_eq!(opening.duration, None, "{slug}");
    assert_eq!(closing_check_in.status, closing, "{slug}");
    assert_eq!(opening.check_in_id, closing_check_in.check_in_id, "{slug}");
    assert!(!opening.check_in_id.is_nil(), "{slug}");
    let duration = closing_check_in
        .duration
        .expect("a duration on the closing check-in");
    assert!((0.0..60.0).contains(&duration), "{slug}: {duration}");
    assert_eq!(
        closing_check_in.environment.as_deref(),
        Some("development"),
        "{slug}"
    );
    [opening, closing_check_in]
}

#[test]
fn cron_monitor_runs_send_the_right_pair() {
    let ((), captured) = testing::capture(|| {
        let ok: Result<u32, String> = CronMonitor::new("import-ok").run(|| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            Ok(1)
        });
        assert_eq!(ok, Ok(1));
        let failed: Result<u32, String> =
            CronMonitor::new("import-fails").run(|| Err("bad file".to_owned()));
        assert!(failed.is_err());
        let panicked = catch_unwind(|| {
            let _: Result<(), String> = CronMonitor::new("import-panics").run(|| panic!("boom"));
        });
        assert!(panicked.is_err());
    });
    let [_, ok] = one_run(&captured, "import-ok", MonitorCheckInStatus::Ok);
    assert!(ok.duration.is_some_and(|d| d >= 0.02), "{:?}", ok.duration);
    one_run(&captured, "import-fails", MonitorCheckInStatus::Error);
    one_run(&captured, "import-panics", MonitorCheckInStatus::Error);
    assert_eq!(captured.check_ins().len(), 6);
}

#[test]
fn a_manual_check_in_covers_code_that_is_not_one_function() {
    let ((), captured) = testing::capture(|| {
        let monitor = CronMonitor::new("nightly-sync")
            .interval(1, MonitorIntervalUnit::Day)
            .checkin_margin(5)
            .max_runtime(30);
        let run = monitor.start();
        let id = run.id();
        assert!(!id.is_nil());
        run.ok();
        // Dropped without a verdict: reported as failed.
        drop(monitor.start());
    });
    let check_ins: Vec<_> = captured.check_ins();
    assert_eq!(check_ins.len(), 4);
    assert_eq!(check_ins[0].check_in_id, check_ins[1].check_in_id);
    assert_eq!(check_ins[1].status, MonitorCheckInStatus::Ok);
    assert_eq!(check_ins[2].check_in_id, check_ins[3].check_in_id);
    assert_ne!(check_ins[0].check_in_id, check_ins[2].check_in_id);
    assert_eq!(check_ins[3].status, MonitorCheckInStatus::Error);
    let config = check_ins[0]
        .monitor_config
        .as_ref()
        .expect("monitor config");
    assert!(matches!(
        config.schedule,
        MonitorSchedule::Interval {
            value: 1,
            unit: MonitorIntervalUnit::Day
        }
    ));
    assert_eq!(config.checkin_margin, Some(5));
    assert_eq!(config.max_runtime, Some(30));
}

#[monitored(check_in = "nightly-import")]
fn nightly_import(fail: bool) -> Result<u32, String> {
    if fail {
        Err("bad row".to_owned())
    } else {
        Ok(120)
    }
}

#[monitored(check_in(
    slug = "weekly-report",
    schedule = "0 3 * * 1",
    max_runtime = 10,
    timezone = "Europe/Paris"
))]
fn weekly_report() -> Result<(), String> {
    Ok(())
}

#[monitored(check_in = "exploding-job")]
fn exploding_job() {
    panic!("boom");
}

#[monitored(check_in = "async-job")]
async fn async_job(fail: bool) -> Result<(), String> {
    tokio::task::yield_now().await;
    if fail {
        Err("timeout".to_owned())
    } else {
        Ok(())
    }
}

#[test]
fn monitored_check_ins_send_the_right_pair() {
    let ((), captured) = testing::capture(|| {
        assert_eq!(nightly_import(false), Ok(120));
        assert!(weekly_report().is_ok());
        assert!(catch_unwind(AssertUnwindSafe(exploding_job)).is_err());
    });
    one_run(&captured, "nightly-import", MonitorCheckInStatus::Ok);
    one_run(&captured, "exploding-job", MonitorCheckInStatus::Error);
    let [opening, closing] = one_run(&captured, "weekly-report", MonitorCheckInStatus::Ok);
    for check_in in [opening, closing] {
        let config = check_in.monitor_config.as_ref().expect("monitor config");
        assert!(
            matches!(&config.schedule, MonitorSchedule::Crontab { value } if value == "0 3 * * 1")
        );
        assert_eq!(config.max_runtime, Some(10));
        assert_eq!(config.timezone.as_deref(), Some("Europe/Paris"));
    }

    let ((), captured) = testing::capture(|| {
        assert!(nightly_import(true).is_err());
    });
    one_run(&captured, "nightly-import", MonitorCheckInStatus::Error);
}

#[test]
fn async_monitored_check_ins_send_the_right_pair() {
    let ((), captured) = testing::capture_async(async {
        assert!(async_job(false).await.is_ok());
    });
    one_run(&captured, "async-job", MonitorCheckInStatus::Ok);
    let ((), captured) = testing::capture_async(async {
        assert!(async_job(true).await.is_err());
    });
    one_run(&captured, "async-job", MonitorCheckInStatus::Error);
}
