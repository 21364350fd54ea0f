//! The Sentry alert rules derived from the routes' objectives, checked against a snapshot
//! (`tests/snapshots/alert_rules.json`). After changing an objective, write the new
//! snapshot with `UPDATE_SNAPSHOTS=1 cargo test -p web-service --test alert_rules` and
//! review the diff.

use std::path::PathBuf;

use web_service::alert_rules::{AlertSettings, alert_rules};

#[test]
fn alert_rules_match_the_snapshot() {
    // The routes live in the library; naming them keeps their registry entries linked.
    let _ = (
        web_service::routes::organisations::list,
        web_service::routes::organisations::stats,
    );
    let settings = AlertSettings {
        projects: vec!["crm".to_owned()],
        environment: Some("production".to_owned()),
        window_minutes: 60,
    };
    let rules = alert_rules(&monitor_runtime::registry::objectives(), &settings)
        .expect("consistent objectives");
    let generated = format!("{rules:#}\n");
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/alert_rules.json");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &generated).expect("snapshot written");
    }
    let expected = std::fs::read_to_string(&path).expect("the snapshot exists");
    assert_eq!(
        generated, expected,
        "the alert rules changed; if that is intended, write the new snapshot with \
         UPDATE_SNAPSHOTS=1 and review it"
    );
}
