//! Sentry alert rules derived from the code: one metric alert per objective declared with
//! `#[monitored(objective(...))]`, on its error rate and on its latency percentile.
//!
//! Each objective's functions send `function.calls` (a counter with `result`) and
//! `function.duration` (a distribution in milliseconds), both carrying its name in the
//! `objective` attribute ([`monitor_runtime::registry::objectives`] lists them). From each
//! objective this module writes the body of a Sentry metric alert (`POST
//! /api/0/organizations/{org}/alert-rules/`) over Sentry's application metrics:
//!
//! - `success = 99.9`: the share of `function.calls` with `result:error` rises above 0.1 %
//!   over the window;
//! - `latency = "250ms", percentile = 95`: the p95 of `function.duration` rises above
//!   250 ms over the window.
//!
//! `web-service alert-rules [--project SLUG] [--environment NAME] [--window MINUTES]`
//! prints them as a JSON array, to post with `curl` or keep in version control.
//!
//! ```
//! use web_service::alert_rules::{AlertSettings, alert_rules};
//!
//! let settings = AlertSettings::new("crm");
//! let rules = alert_rules(&monitor_runtime::registry::objectives(), &settings)?;
//! for rule in rules.as_array().into_iter().flatten() {
//!     println!("{}", rule["name"]);
//! }
//! # Ok::<(), web_service::alert_rules::AlertRuleError>(())
//! ```

use std::collections::BTreeMap;

use monitor_runtime::registry::Objective;
use serde_json::{Value, json};

/// Where the rules apply, and over which window.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSettings {
    /// The Sentry project slugs the rules watch.
    pub projects: Vec<String>,
    /// The environment they watch; every environment when `None`.
    pub environment: Option<String>,
    /// The window each rule aggregates over, in minutes.
    pub window_minutes: u32,
}

impl AlertSettings {
    /// Rules for `project`, every environment, over one hour.
    pub fn new(project: impl Into<String>) -> Self {
        AlertSettings {
            projects: vec![project.into()],
            environment: None,
            window_minutes: 60,
        }
    }
}

/// Why objectives cannot become rules.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AlertRuleError {
    /// Two functions declare the same objective with different targets.
    #[error(
        "objective `{name}` is declared with different targets by `{first}` and `{second}`; \
         give them the same targets or different names"
    )]
    Conflicting {
        /// The objective.
        name: String,
        /// One function declaring it.
        first: String,
        /// Another, with other targets.
        second: String,
    },
    /// A latency percentile Sentry's metric alerts have no function for.
    #[error(
        "objective `{name}`: Sentry alerts on the 50th, 75th, 90th, 95th, 99th or 100th \
         percentile, not the {percentile}th"
    )]
    Percentile {
        /// The objective.
        name: String,
        /// The percentile it asks for.
        percentile: f64,
    },
}

/// The alert-rule bodies for `objectives`, as a JSON array: per objective, one rule on its
/// error rate (with `success`) and one on its latency percentile (with `latency`).
/// Functions sharing an objective's name share its rules.
///
/// # Errors
/// When two functions give one objective different targets, or a percentile Sentry has no
/// alert function for.
pub fn alert_rules(
    objectives: &[Objective],
    settings: &AlertSettings,
) -> Result<Value, AlertRuleError> {
    let mut by_name: BTreeMap<&str, &Objective> = BTreeMap::new();
    for objective in objectives {
        match by_name.get(objective.name) {
            Some(first) if !same_targets(first, objective) => {
                return Err(AlertRuleError::Conflicting {
                    name: objective.name.to_owned(),
                    first: first.function.to_owned(),
                    second: objective.function.to_owned(),
                });
            }
            Some(_) => {}
            None => {
                by_name.insert(objective.name, objective);
            }
        }
    }
    let mut rules = Vec::new();
    for (name, objective) in by_name {
        let query = format!("objective:\"{name}\"");
        if let Some(success) = objective.success_rate {
            let max_error_percent = round(100.0 - success);
            rules.push(rule(
                settings,
                format!("{name}: error rate above {max_error_percent}%"),
                "equation|sum_if(`result:error`,value,function.calls,counter,none) \
                 / sum(value,function.calls,counter,none) * 100"
                    .to_owned(),
                &query,
                max_error_percent,
            ));
        }
        if let (Some(latency), Some(percentile)) = (objective.latency_ms, objective.percentile) {
            let function = percentile_function(percentile).ok_or(AlertRuleError::Percentile {
                name: name.to_owned(),
                percentile,
            })?;
            rules.push(rule(
                settings,
                format!("{name}: {function} latency above {latency} ms"),
                format!("{function}(value,function.duration,distribution,millisecond)"),
                &query,
                latency,
            ));
        }
    }
    Ok(Value::Array(rules))
}

/// One metric alert: critical when `aggregate` over the window rises above `threshold`.
fn rule(
    settings: &AlertSettings,
    name: String,
    aggregate: String,
    query: &str,
    threshold: f64,
) -> Value {
    json!({
        "name": name,
        "dataset": "events_analytics_platform",
        "eventTypes": ["trace_item_metric"],
        "queryType": 1,
        "aggregate": aggregate,
        "query": query,
        "timeWindow": settings.window_minutes,
        "environment": settings.environment,
        "projects": settings.projects,
        // 0: alert when the value is above the threshold.
        "thresholdType": 0,
        "resolveThreshold": null,
        "triggers": [{
            "label": "critical",
            "alertThreshold": threshold,
            "actions": [],
        }],
    })
}

fn same_targets(a: &Objective, b: &Objective) -> bool {
    (a.success_rate, a.latency_ms, a.percentile) == (b.success_rate, b.latency_ms, b.percentile)
}

fn percentile_function(percentile: f64) -> Option<&'static str> {
    [
        (50.0, "p50"),
        (75.0, "p75"),
        (90.0, "p90"),
        (95.0, "p95"),
        (99.0, "p99"),
        (100.0, "p100"),
    ]
    .into_iter()
    .find(|(p, _)| (*p - percentile).abs() < f64::EPSILON)
    .map(|(_, f)| f)
}

/// `100 - 99.9` is `0.09999999999999432` in floating point; a threshold reads `0.1`.
fn round(value: f64) -> f64 {
    (value * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    fn objective(name: &'static str, function: &'static str, success: f64) -> Objective {
        Objective {
            name,
            function,
            module: "m",
            success_rate: Some(success),
            latency_ms: Some(250.0),
            percentile: Some(99.0),
        }
    }

    #[test]
    fn shared_names_must_agree() {
        let settings = AlertSettings::new("crm");
        let same = [objective("api", "a", 99.9), objective("api", "b", 99.9)];
        let rules = alert_rules(&same, &settings).expect("consistent");
        assert_eq!(rules.as_array().map(Vec::len), Some(2));
        let different = [objective("api", "a", 99.9), objective("api", "b", 99.0)];
        assert!(matches!(
            alert_rules(&different, &settings),
            Err(AlertRuleError::Conflicting { .. })
        ));
    }

    #[test]
    fn unsupported_percentiles_are_reported() {
        let mut odd = objective("api", "a", 99.9);
        odd.percentile = Some(99.9);
        let err = alert_rules(&[odd], &AlertSettings::new("crm")).unwrap_err();
        assert!(err.to_string().contains("not the 99.9th"), "{err}");
    }
}
