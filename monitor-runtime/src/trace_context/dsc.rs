//! The dynamic sampling context (DSC): what the head of a trace tells Sentry, and every
//! service downstream, about how the trace was sampled.
//!
//! The head produces it once, from its client's settings and its sampling decision, and it
//! is then frozen: every service of the trace forwards it unchanged in the `sentry-`
//! members of `baggage`, and every envelope of the trace carries it as its `trace` header.
//! Sentry uses it to keep or drop whole traces (dynamic sampling) and to extrapolate counts
//! from `sample_rate`.

use sentry::protocol::{self, OrganizationId, SampleRand, TraceId};

use super::baggage::{self, Writer};

/// A trace's dynamic sampling context: the `sentry-` entries of `baggage`, without the
/// prefix, values decoded, in the order they were produced or received.
///
/// Entries the toolkit does not know (`replay_id`, a future field) are kept, so a frozen
/// context is forwarded exactly as it came.
///
/// ```
/// use monitor_runtime::propagation::DynamicSamplingContext;
///
/// let dsc = DynamicSamplingContext::from_baggage(
///     "sentry-trace_id=4bf92f3577b34da6a3ce929d0e0e4736,sentry-sample_rate=0.5,sentry-sampled=true,other=1",
/// );
/// assert_eq!(dsc.sample_rate(), Some(0.5));
/// assert_eq!(dsc.sampled(), Some(true));
/// assert_eq!(dsc.get("other"), None);
/// assert_eq!(dsc.to_baggage(), "sentry-trace_id=4bf92f3577b34da6a3ce929d0e0e4736,sentry-sample_rate=0.5,sentry-sampled=true");
/// ```
#[doc(alias = "dsc")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DynamicSamplingContext {
    entries: Vec<(String, String)>,
}

/// What the head of a trace knows when it freezes the context.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Head<'a> {
    pub(crate) trace_id: Option<TraceId>,
    pub(crate) public_key: Option<&'a str>,
    pub(crate) sample_rate: Option<f32>,
    pub(crate) sampled: Option<bool>,
    pub(crate) release: Option<&'a str>,
    pub(crate) environment: Option<&'a str>,
    pub(crate) transaction: Option<&'a str>,
    pub(crate) org_id: Option<OrganizationId>,
}

impl DynamicSamplingContext {
    /// The context a trace's head produces: `trace_id`, `public_key`, `sample_rate`,
    /// `sampled`, `release`, `environment`, `transaction` and `org_id`, each when known.
    pub(crate) fn from_head(head: Head<'_>) -> Self {
        let mut dsc = DynamicSamplingContext::default();
        if let Some(trace_id) = head.trace_id {
            dsc.push("trace_id", trace_id.to_string());
        }
        if let Some(key) = head.public_key {
            dsc.push("public_key", key.to_owned());
        }
        if let Some(rate) = head.sample_rate {
            dsc.push("sample_rate", rate.to_string());
        }
        if let Some(sampled) = head.sampled {
            dsc.push("sampled", sampled.to_string());
        }
        if let Some(release) = head.release {
            dsc.push("release", release.to_owned());
        }
        if let Some(environment) = head.environment {
            dsc.push("environment", environment.to_owned());
        }
        if let Some(transaction) = head.transaction {
            dsc.push("transaction", transaction.to_owned());
        }
        if let Some(org_id) = head.org_id {
            dsc.push("org_id", org_id.to_string());
        }
        dsc
    }

    /// The `sentry-` members of one or more `baggage` values (other members are ignored;
    /// the first of duplicate keys wins, and an empty value counts as absent).
    pub fn from_baggage(baggage: &str) -> Self {
        let mut dsc = DynamicSamplingContext::default();
        dsc.extend_from_baggage(baggage);
        dsc
    }

    pub(crate) fn extend_from_baggage(&mut self, baggage: &str) {
        for member in baggage::members(baggage) {
            let Some(key) = member.sentry_key() else {
                continue;
            };
            let value = member.decoded_value();
            if !value.is_empty() && self.get(key).is_none() {
                self.push(key, value.into_owned());
            }
        }
    }

    fn push(&mut self, key: &str, value: String) {
        self.entries.push((key.to_owned(), value));
    }

    /// The value of entry `key` (without the `sentry-` prefix).
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every entry, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// True when the context has no entry (a continued trace whose caller sent none).
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The trace it belongs to.
    pub fn trace_id(&self) -> Option<TraceId> {
        self.get("trace_id")?.parse().ok()
    }

    /// The rate the head sampled the trace with.
    pub fn sample_rate(&self) -> Option<f32> {
        self.get("sample_rate")?.parse().ok()
    }

    /// The head's sampling decision.
    pub fn sampled(&self) -> Option<bool> {
        self.get("sampled")?.parse().ok()
    }

    /// The `sentry-` members as one `baggage` value.
    pub fn to_baggage(&self) -> String {
        let mut writer = Writer::default();
        self.write_baggage(&mut writer);
        writer.finish()
    }

    /// Writes the `sentry-` members; entries that do not fit the header's limits are
    /// dropped.
    pub(crate) fn write_baggage(&self, writer: &mut Writer) {
        let mut key = String::new();
        for (name, value) in &self.entries {
            key.clear();
            key.push_str(baggage::SENTRY_PREFIX);
            key.push_str(name);
            writer.push(&key, value);
        }
    }

    /// The context as the SDK's envelope header type. Only the fields that type has are
    /// carried (it drops unknown ones), and a malformed value is left out rather than
    /// failing the whole header.
    pub fn to_protocol(&self) -> protocol::DynamicSamplingContext {
        let mut dsc = protocol::DynamicSamplingContext::new();
        for (key, value) in self.iter() {
            dsc = match key {
                "trace_id" => match value.parse() {
                    Ok(id) => dsc.with_trace_id(id),
                    Err(_) => dsc,
                },
                "public_key" => dsc.with_public_key(value.to_owned()),
                "sample_rate" => match value.parse::<f32>() {
                    Ok(rate) if (0.0..=1.0).contains(&rate) => dsc.with_sample_rate(rate),
                    _ => dsc,
                },
                "sample_rand" => match value.parse::<SampleRand>() {
                    Ok(rand) => dsc.with_sample_rand(rand),
                    Err(_) => dsc,
                },
                "sampled" => match value.parse() {
                    Ok(sampled) => dsc.with_sampled(sampled),
                    Err(_) => dsc,
                },
                "release" => dsc.with_release(value.to_owned()),
                "environment" => dsc.with_environment(value.to_owned()),
                "transaction" => dsc.with_transaction(value.to_owned()),
                "org_id" => match value.parse() {
                    Ok(org) => dsc.with_org_id(org),
                    Err(_) => dsc,
                },
                _ => dsc,
            };
        }
        dsc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

    #[test]
    fn the_head_context_lists_what_is_known_in_order() {
        let dsc = DynamicSamplingContext::from_head(Head {
            trace_id: TRACE.parse().ok(),
            public_key: Some("abc"),
            sample_rate: Some(0.25),
            sampled: Some(false),
            release: Some("gateway@1.0.0"),
            environment: Some("production"),
            transaction: Some("GET /api/v1/dashboard"),
            org_id: Some(OrganizationId::from(17)),
        });
        assert_eq!(
            dsc.to_baggage(),
            format!(
                "sentry-trace_id={TRACE},sentry-public_key=abc,sentry-sample_rate=0.25,\
                 sentry-sampled=false,sentry-release=gateway@1.0.0,\
                 sentry-environment=production,sentry-transaction=GET%20/api/v1/dashboard,\
                 sentry-org_id=17"
            )
        );
        let json = serde_json::to_value(dsc.to_protocol()).unwrap();
        assert_eq!(json["sample_rate"], "0.25");
        assert_eq!(json["sampled"], "false");
        assert_eq!(json["org_id"], "17");
        assert_eq!(json["transaction"], "GET /api/v1/dashboard");
    }

    #[test]
    fn incoming_entries_round_trip_unknown_ones_included() {
        let header = format!(
            "other=1,sentry-trace_id={TRACE},sentry-replay_id=r1,sentry-transaction=a%2Cb,sentry-sample_rate=0.5,sentry-sample_rate=0.9,sentry-empty="
        );
        let dsc = DynamicSamplingContext::from_baggage(&header);
        assert_eq!(dsc.get("replay_id"), Some("r1"));
        assert_eq!(dsc.get("transaction"), Some("a,b"));
        assert_eq!(dsc.sample_rate(), Some(0.5));
        assert_eq!(dsc.get("empty"), None);
        let again = DynamicSamplingContext::from_baggage(&dsc.to_baggage());
        assert_eq!(again, dsc);
    }

    #[test]
    fn malformed_values_are_left_out_of_the_envelope_header() {
        let dsc = DynamicSamplingContext::from_baggage(
            "sentry-trace_id=nothex,sentry-sample_rate=2,sentry-sampled=maybe,sentry-public_key=k",
        );
        let json = serde_json::to_value(dsc.to_protocol()).unwrap();
        assert_eq!(json, serde_json::json!({ "public_key": "k" }));
    }
}
