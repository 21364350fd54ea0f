//! No secret leaves the process: secrets planted in every channel an application writes to
//! never appear in what reaches the transport, the events file, the console lines or the JSON
//! log lines, and their harmless neighbours do.
//!
//! Every key rule and every value detector of the scrubber (`monitor_runtime::scrub`) is
//! planted, each next to a harmless neighbour, over every channel: events (extra, contexts,
//! tags, request headers/query/cookies/body/URL, exception values, messages, log entries),
//! breadcrumbs (message and data), spans and transactions (name, description, data, tags),
//! Sentry logs (body and attributes), metrics (attributes), check-ins (slug), the toolkit's
//! `#[capture_errors(data(..))]` and `#[monitored(data(..))]`, and `tracing` events.
//!
//! The planting runs twice: in this process against the `testing` capture (the envelopes),
//! and in a child process (this test binary again, running only
//! `child_process_plants_every_secret`) initialised by `init!()` in local mode with an events
//! file, JSON log lines, Sentry logs, SDK debug output and a Spotlight URL with a password
//! on, whose stdout (JSON log lines, the health report), stderr (console lines, the toolkit's
//! own messages) and events file are searched.

mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;

use monitor_runtime::Config;
use monitor_runtime::cron::CronMonitor;
use monitor_runtime::scrub::ScrubPattern;
use monitor_runtime::sentry::protocol::{Event, Log, LogAttribute, LogLevel, Request};
use monitor_runtime::sentry::{self, Hub, Level};
use monitor_runtime::{PerformanceMonitor, Report, capture_errors, monitored, testing};
use serde_json::{Value, json};
use support::{grouped, luhn_complete};

/// Set in the child process.
const CHILD: &str = "MONITOR_PRIVACY_LEAK_CHILD";

/// The child also sends to a Spotlight sidecar that is not there, so that the toolkit prints
/// a delivery error and the health report holds one: neither may show this password.
const SPOTLIGHT_PASSWORD: &str = "sp0t-l1ght-pw";

/// The user's own key stem and value patterns, configured in both runs.
const USER_KEY: &str = "iban";
const USER_PREFIX: &str = "acme_live_";
const USER_LITERAL: &str = "correct-horse-battery-staple";

fn configure(config: Config) -> Config {
    config
        .scrub_key(USER_KEY)
        .scrub_pattern(ScrubPattern::prefix(USER_PREFIX))
        .scrub_pattern(ScrubPattern::literal(USER_LITERAL))
}

// ---------------------------------------------------------------------------------------------
// What is planted

/// Key rules: keys whose values must be filtered (Sentry's denylist, the toolkit's stems and
/// the user's key), spelled in assorted cases and separator styles.
const KEY_RULES: &[&str] = &[
    "password",
    "API_KEY",
    "auth",
    "credentials",
    "mysql_pwd",
    "private-key",
    "token",
    "session",
    "csrftoken",
    "sessionid",
    "x_forwarded_for",
    "Set-Cookie",
    "cookie",
    "Authorization",
    "X-Api-Key",
    "connect.sid",
    "PHPSESSID",
    "symfony",
    "XSRF-TOKEN",
    "smtp_pass",
    "DB_PWD",
    "webhookSecret",
    "refresh-token",
    "signing_key",
    "AccessKey",
    "secret_key",
    "X-Amz-Signature",
    "X-Signature",
    "auth_code",
    "customer_iban",
    "card_cvv",
];

/// Value detectors.
#[derive(Debug, Clone, Copy)]
enum Detector {
    Jwt,
    CardSpaces,
    CardDashes,
    StripeSecret,
    StripeRestricted,
    AwsAccessKeyId,
    GitHubClassic,
    GitHubFineGrained,
    Slack,
    Google,
    Bearer,
    Basic,
    KeyEqualsValue,
    KeyColonValue,
    UrlPostgres,
    UrlAmqp,
    UserPrefix,
    UserLiteral,
}

const DETECTORS: &[Detector] = &[
    Detector::Jwt,
    Detector::CardSpaces,
    Detector::CardDashes,
    Detector::StripeSecret,
    Detector::StripeRestricted,
    Detector::AwsAccessKeyId,
    Detector::GitHubClassic,
    Detector::GitHubFineGrained,
    Detector::Slack,
    Detector::Google,
    Detector::Bearer,
    Detector::Basic,
    Detector::KeyEqualsValue,
    Detector::KeyColonValue,
    Detector::UrlPostgres,
    Detector::UrlAmqp,
    Detector::UserPrefix,
    Detector::UserLiteral,
];

/// Channels that take a key and a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum KeyChannel {
    Extra,
    Context,
    Tag,
    RequestHeader,
    CrumbData,
    SpanData,
    SpanTag,
    TransactionTag,
    TransactionData,
    LogAttribute,
    MetricAttribute,
}

const KEY_CHANNELS: &[KeyChannel] = &[
    KeyChannel::Extra,
    KeyChannel::Context,
    KeyChannel::Tag,
    KeyChannel::RequestHeader,
    KeyChannel::CrumbData,
    KeyChannel::SpanData,
    KeyChannel::SpanTag,
    KeyChannel::TransactionTag,
    KeyChannel::TransactionData,
    KeyChannel::LogAttribute,
    KeyChannel::MetricAttribute,
];

/// Channels that take free text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TextChannel {
    ExceptionValue,
    Message,
    CrumbMessage,
    SpanDescription,
    TransactionName,
    LogBody,
    RequestQuery,
    RequestCookies,
    RequestBody,
}

const TEXT_CHANNELS: &[TextChannel] = &[
    TextChannel::ExceptionValue,
    TextChannel::Message,
    TextChannel::CrumbMessage,
    TextChannel::SpanDescription,
    TextChannel::TransactionName,
    TextChannel::LogBody,
    TextChannel::RequestQuery,
    TextChannel::RequestCookies,
    TextChannel::RequestBody,
];

/// Every planted secret, with what planted it, and every neighbour that must survive.
#[derive(Debug, Default)]
struct Plan {
    secrets: Vec<(String, String)>,
    neighbours: Vec<String>,
    next_neighbour: usize,
    keyed: BTreeMap<KeyChannel, Vec<(String, String)>>,
    texts: BTreeMap<TextChannel, Vec<String>>,
}

impl Plan {
    fn secret(&mut self, value: impl Into<String>, why: String) -> String {
        let value = value.into();
        self.secrets.push((value.clone(), why));
        value
    }

    fn neighbour(&mut self) -> String {
        self.next_neighbour += 1;
        let word = format!("nbr{:03}kept", self.next_neighbour);
        self.neighbours.push(word.clone());
        word
    }

    /// A key rule's secret under `key`, next to a harmless pair.
    fn keyed(&mut self, channel: KeyChannel, key: &str) {
        let n = self.secrets.len();
        let value = self.secret(
            format!("s{n:03}-{}-v4lue", key.to_ascii_lowercase()),
            format!("key {key:?} in {channel:?}"),
        );
        let neighbour = self.neighbour();
        let pairs = self.keyed.entry(channel).or_default();
        pairs.push((key.to_owned(), value));
        pairs.push((format!("region_{n:03}"), neighbour));
    }

    /// A detector's secret in `channel`: as free text, or under a harmless key.
    fn detected(&mut self, detector: Detector, place: Place) {
        let n = self.secrets.len();
        let why = format!("{detector:?} in {place:?}");
        let neighbour = self.neighbour();
        let (secret, text) = detector_text(detector, n);
        for part in secret {
            self.secret(part, why.clone());
        }
        let text = format!("{text} then {neighbour} stays");
        if matches!(place, Place::Text(TextChannel::RequestCookies)) {
            // Cookie headers are replaced whole: any cookie may be a session credential.
            self.neighbours.retain(|n| *n != neighbour);
        }
        match place {
            Place::Text(channel) => self.texts.entry(channel).or_default().push(text),
            Place::Keyed(channel) => self
                .keyed
                .entry(channel)
                .or_default()
                .push((format!("note_{n:03}"), text)),
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Place {
    Text(TextChannel),
    Keyed(KeyChannel),
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(ALPHABET[((v >> (18 - 6 * k)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// The secret parts a detector must remove, and the text that carries them.
fn detector_text(detector: Detector, n: usize) -> (Vec<String>, String) {
    let one = |secret: String, text: String| (vec![secret], text);
    match detector {
        Detector::Jwt => {
            let signature = format!("SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV{n:03}_adQssw5c");
            let jwt =
                format!("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyLTQyIn0.{signature}");
            (
                vec![jwt.clone(), signature],
                format!("session expired for {jwt}"),
            )
        }
        Detector::CardSpaces | Detector::CardDashes => {
            let digits = luhn_complete(&format!("411111111111{n:03}"));
            let sep = if matches!(detector, Detector::CardSpaces) {
                " "
            } else {
                "-"
            };
            let printed = grouped(&digits, sep);
            (
                vec![printed.clone(), digits],
                format!("charge declined for card {printed}"),
            )
        }
        Detector::StripeSecret => {
            let key = format!("sk_live_{n:03}4eC39HqLyjWDarjtT1zdp7dc");
            one(key.clone(), format!("stripe key {key} rejected"))
        }
        Detector::StripeRestricted => {
            let key = format!("rk_live_{n:03}51H8abcdefghijKLMNOP");
            one(key.clone(), format!("restricted {key} rejected"))
        }
        Detector::AwsAccessKeyId => {
            let key = format!("AKIA{n:03}IOSFODNN7EXAM");
            one(key.clone(), format!("aws id {key} is unknown"))
        }
        Detector::GitHubClassic => {
            let key = format!("ghp_{n:03}16C7e42F292c6912E7710c838347Ae17");
            one(key.clone(), format!("git push with {key} failed"))
        }
        Detector::GitHubFineGrained => {
            let key = format!("github_pat_11ABCDEFG{n:03}_abcdefghijklmnopqrstuvwxyz");
            one(key.clone(), format!("git push with {key} failed"))
        }
        Detector::Slack => {
            let key = format!("xoxb-{n:03}456789012-1234567890123-AbCdEfGhIjKl");
            one(key.clone(), format!("slack said invalid_auth for {key}"))
        }
        Detector::Google => {
            let key = format!("AIzaSyA-{n:03}4567890abcdefghijklmnopqr");
            one(key.clone(), format!("maps {key} over quota"))
        }
        Detector::Bearer => {
            let token = format!("b3arer{n:03}.AbCdEf.GhIjKl");
            one(token.clone(), format!("upstream refused Bearer {token}"))
        }
        Detector::Basic => {
            let credential = base64(format!("user{n:03}:pw-{n:03}-basic").as_bytes());
            one(
                credential.clone(),
                format!("proxy refused Basic {credential}"),
            )
        }
        Detector::KeyEqualsValue => {
            let value = format!("kv{n:03}-smtp-pass");
            one(
                value.clone(),
                format!("retrying with smtp_pass={value} page=2"),
            )
        }
        Detector::KeyColonValue => {
            let value = format!("kc{n:03}-signing");
            one(
                value.clone(),
                format!("loaded signing_key: {value}, alg HS256"),
            )
        }
        Detector::UrlPostgres => {
            let password = format!("pg{n:03}-Pa55w0rd");
            one(
                password.clone(),
                format!("cannot connect to postgres://app:{password}@db.internal:5432/prod"),
            )
        }
        Detector::UrlAmqp => {
            let password = format!("mq{n:03}-guest-pw");
            one(
                password.clone(),
                format!("broker amqp://guest:{password}@mq.internal/vhost down"),
            )
        }
        Detector::UserPrefix => {
            let key = format!("{USER_PREFIX}{n:03}9f8e7d6c");
            one(key.clone(), format!("acme rejected {key}"))
        }
        Detector::UserLiteral => (
            vec![USER_LITERAL.to_owned()],
            format!("the password was {USER_LITERAL}"),
        ),
    }
}

fn plan() -> Plan {
    let mut plan = Plan::default();
    // Every key rule, round robin over the keyed channels (each channel gets several).
    for (i, key) in KEY_RULES.iter().enumerate() {
        plan.keyed(KEY_CHANNELS[i % KEY_CHANNELS.len()], key);
    }
    // Every detector twice as free text and once as a value under a harmless key.
    for (j, &detector) in DETECTORS.iter().enumerate() {
        plan.detected(
            detector,
            Place::Text(TEXT_CHANNELS[j % TEXT_CHANNELS.len()]),
        );
        plan.detected(
            detector,
            Place::Text(TEXT_CHANNELS[(j + 4) % TEXT_CHANNELS.len()]),
        );
        plan.detected(
            detector,
            Place::Keyed(KEY_CHANNELS[(j + 3) % KEY_CHANNELS.len()]),
        );
    }
    plan
}

// ---------------------------------------------------------------------------------------------
// Planting

#[derive(Debug, thiserror::Error)]
#[error("sign-in failed")]
struct SignInFailed;

#[capture_errors(data(smtp_pass, signing_key, region))]
fn sign_in(smtp_pass: &str, signing_key: &str, region: &str) -> Result<(), SignInFailed> {
    let _ = (smtp_pass, signing_key, region);
    Err(SignInFailed)
}

#[monitored(data(access_key, zone))]
fn fetch_bucket(access_key: &str, zone: &str) {
    let _ = (access_key, zone);
}

/// Plants everything of `plan` on the current hub, plus the fixed-name channels (macros,
/// `tracing` fields, a check-in) whose secrets are added to `plan`.
fn plant(plan: &mut Plan) {
    let keyed = plan.keyed.clone();
    let texts = plan.texts.clone();
    let pairs = |channel| keyed.get(&channel).cloned().unwrap_or_default();

    // Scope: tags and a context, carried by every later event and transaction.
    for (k, v) in pairs(KeyChannel::Tag) {
        monitor_runtime::set_tag(&k, v);
    }
    let context: serde_json::Map<String, Value> = pairs(KeyChannel::Context)
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    monitor_runtime::set_context("plant", Value::Object(context));

    // Breadcrumbs: data, then one crumb per text.
    let crumb_data: Vec<(String, Value)> = pairs(KeyChannel::CrumbData)
        .into_iter()
        .map(|(k, v)| (k, json!(v)))
        .collect();
    let crumb_refs: Vec<(&str, Value)> = crumb_data
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    monitor_runtime::add_breadcrumb("plant", "crumb with data", &crumb_refs);
    for text in texts.get(&TextChannel::CrumbMessage).into_iter().flatten() {
        monitor_runtime::add_breadcrumb("plant", text.clone(), &[]);
    }

    // A transaction: tags, data, one child span per description, one with data and tags.
    let tx = PerformanceMonitor::start_transaction("plant transaction");
    for (k, v) in pairs(KeyChannel::TransactionTag) {
        tx.set_tag(&k, v);
    }
    for (k, v) in pairs(KeyChannel::TransactionData) {
        tx.set_data(&k, v);
    }
    tx.in_scope(|| {
        let span = PerformanceMonitor::start("span with data").op("plant");
        for (k, v) in pairs(KeyChannel::SpanData) {
            span.set_data(&k, v);
        }
        for (k, v) in pairs(KeyChannel::SpanTag) {
            span.set_tag(&k, v);
        }
        span.finish();
        for text in texts
            .get(&TextChannel::SpanDescription)
            .into_iter()
            .flatten()
        {
            PerformanceMonitor::start(text.clone()).op("plant").finish();
        }
        fetch_bucket(
            &plan.secret(
                "s-macro-monitored-access-key",
                "#[monitored(data(access_key))]".into(),
            ),
            &plan.neighbour(),
        );
    });
    tx.finish();
    for text in texts
        .get(&TextChannel::TransactionName)
        .into_iter()
        .flatten()
    {
        PerformanceMonitor::start_transaction(text.clone()).finish();
    }

    // Events: a report with extra, one error per exception text, one message per text, and
    // one event per request text with headers.
    let mut report = Report::error(&SignInFailed);
    for (k, v) in pairs(KeyChannel::Extra) {
        report = report.extra(k, v);
    }
    report.capture();
    for text in texts
        .get(&TextChannel::ExceptionValue)
        .into_iter()
        .flatten()
    {
        monitor_runtime::capture_error(&std::io::Error::other(text.clone()));
    }
    for text in texts.get(&TextChannel::Message).into_iter().flatten() {
        monitor_runtime::capture_message(text, Level::Error);
    }
    let headers: BTreeMap<String, String> = pairs(KeyChannel::RequestHeader).into_iter().collect();
    let request = |query: Option<String>, cookies: Option<String>, data: Option<String>| Request {
        url: "https://shop.example.com/checkout?page=2".parse().ok(),
        method: Some("POST".into()),
        query_string: query,
        cookies,
        data,
        headers: headers.clone(),
        ..Request::default()
    };
    let send_request = |request: Request| {
        sentry::capture_event(Event {
            message: Some("request failed".into()),
            level: Level::Error,
            request: Some(request),
            ..Default::default()
        });
    };
    send_request(request(None, None, None));
    for text in texts.get(&TextChannel::RequestQuery).into_iter().flatten() {
        send_request(request(Some(text.clone()), None, None));
    }
    for text in texts
        .get(&TextChannel::RequestCookies)
        .into_iter()
        .flatten()
    {
        send_request(request(None, Some(text.clone()), None));
    }
    for text in texts.get(&TextChannel::RequestBody).into_iter().flatten() {
        let body = json!({ "comment": text, "items": [{ "sku": "A1" }] }).to_string();
        send_request(request(None, None, Some(body)));
    }

    // #[capture_errors(data(..))]: the arguments land in a context.
    let smtp_pass = plan.secret(
        "s-macro-smtp-pass",
        "#[capture_errors(data(smtp_pass))]".into(),
    );
    let signing_key = plan.secret(
        "s-macro-signing-key",
        "#[capture_errors(data(signing_key))]".into(),
    );
    let region = plan.neighbour();
    let _ = sign_in(&smtp_pass, &signing_key, &region);

    // Sentry logs: one with attributes, one per body text.
    let mut attributes: BTreeMap<String, LogAttribute> = pairs(KeyChannel::LogAttribute)
        .into_iter()
        .map(|(k, v)| (k, LogAttribute::from(v)))
        .collect();
    let body_neighbour = plan.neighbour();
    attributes.insert("body_note".into(), LogAttribute::from(body_neighbour));
    let log = |body: String, attributes: BTreeMap<String, LogAttribute>| Log {
        level: LogLevel::Info,
        body,
        trace_id: None,
        timestamp: std::time::SystemTime::now(),
        severity_number: None,
        attributes: attributes.into_iter().collect(),
    };
    Hub::current().capture_log(log("log with attributes".into(), attributes));
    for text in texts.get(&TextChannel::LogBody).into_iter().flatten() {
        Hub::current().capture_log(log(text.clone(), BTreeMap::new()));
    }

    // Metrics: the SDK's builder with arbitrary attribute keys, and the toolkit's tags.
    let mut counter = sentry::metrics::counter("plant.attempts", 1);
    for (k, v) in pairs(KeyChannel::MetricAttribute) {
        counter = counter.attribute(k, v);
    }
    counter.capture();
    monitor_runtime::metrics::increment("plant.logins")
        .tag(
            "api_token",
            plan.secret(
                "s-metric-tag-api-token",
                "toolkit metric tag api_token".into(),
            ),
        )
        .tag("outcome", plan.neighbour())
        .send()
        .expect("a valid metric");

    // A check-in whose slug carries a live key and a card number.
    let stripe = plan.secret(
        "sk_live_77slug4eC39HqLyjWDarjtT1zdp7",
        "check-in slug".into(),
    );
    let card = plan.secret(luhn_complete("555555555555444"), "check-in slug".into());
    let slug = format!("sync-{stripe}-{card}-{}", plan.neighbour());
    let _ = CronMonitor::new(slug).run(|| Ok::<_, String>(()));

    // `tracing` events: JSON log lines in the child, breadcrumbs/events/logs through the
    // bridge. Field names are fixed at compile time.
    let password = plan.secret("s-tracing-password", "tracing field password".into());
    let webhook = plan.secret(
        "s-tracing-webhook-secret",
        "tracing field webhook_secret".into(),
    );
    let stripe = plan.secret(
        "sk_live_88tracing4eC39HqLyjWDarjtT1z",
        "tracing message".into(),
    );
    let neighbour = plan.neighbour();
    tracing::info!(password = %password, tenant = %neighbour, "tracing info event");
    tracing::warn!(webhook_secret = %webhook, "charging with key {stripe}");
    let pg = plan.secret("pg-tracing-Pa55", "tracing error message".into());
    let neighbour = plan.neighbour();
    tracing::error!("lost postgres://app:{pg}@db.internal/prod near {neighbour}");
}

// ---------------------------------------------------------------------------------------------
// Checking

fn percent_encoded(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn json_escaped(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted.trim_matches('"').to_owned()
}

/// Asserts that no secret appears in `text` (verbatim, percent-encoded or JSON-escaped) and
/// that every neighbour in `neighbours` does.
fn assert_clean(what: &str, text: &str, plan: &Plan, neighbours: &[String]) {
    let mut leaks = Vec::new();
    for (secret, why) in &plan.secrets {
        for form in [
            secret.clone(),
            percent_encoded(secret),
            json_escaped(secret),
        ] {
            if text.contains(&form) {
                leaks.push(format!("{secret:?} ({why}) as {form:?}"));
                break;
            }
        }
    }
    let lost: Vec<&String> = neighbours.iter().filter(|n| !text.contains(*n)).collect();
    assert!(
        leaks.is_empty() && lost.is_empty(),
        "{what}: {} secrets leaked: {leaks:#?}\n{} neighbours lost: {lost:?}\n--- {what} ---\n{text}",
        leaks.len(),
        lost.len()
    );
}

#[test]
fn the_plan_covers_every_rule_detector_and_channel() {
    let mut plan = plan();
    let ((), _) = testing::Capture::new()
        .configure(configure)
        .run(|| plant(&mut plan));
    assert!(plan.secrets.len() >= 60, "{} secrets", plan.secrets.len());
    for key in KEY_RULES {
        assert!(
            plan.secrets
                .iter()
                .any(|(_, why)| why.starts_with(&format!("key {key:?}")))
        );
    }
    for detector in DETECTORS {
        let planted = plan
            .secrets
            .iter()
            .filter(|(_, why)| why.starts_with(&format!("{detector:?} in")))
            .count();
        assert!(planted >= 3, "{detector:?} planted {planted} times");
    }
    for channel in KEY_CHANNELS {
        assert!(
            plan.keyed.get(channel).is_some_and(|p| p.len() >= 4),
            "{channel:?}"
        );
    }
    for channel in TEXT_CHANNELS {
        assert!(
            plan.texts.get(channel).is_some_and(|t| t.len() >= 2),
            "{channel:?}"
        );
    }
}

#[test]
fn no_planted_secret_reaches_the_transport() {
    assert_transport_clean(configure);
}

/// With default PII on, request headers, cookies and the user are sent: the key rules and
/// value detectors must still hold for every one of them.
#[test]
fn no_planted_secret_reaches_the_transport_with_default_pii() {
    assert_transport_clean(|config| configure(config).send_default_pii(true));
}

fn assert_transport_clean(configure: fn(Config) -> Config) {
    let mut plan = plan();
    let ((), captured) = testing::Capture::new()
        .configure(configure)
        .run(|| plant(&mut plan));
    // Every channel was exercised.
    assert!(captured.events().len() >= 12, "{}", captured.events().len());
    assert!(captured.transactions().len() >= 3);
    assert!(captured.logs().len() >= 3);
    assert_eq!(captured.metrics().len(), 2);
    assert_eq!(captured.check_ins().len(), 2);
    // `tracing` events need the child's subscriber; their neighbours are checked there.
    let neighbours: Vec<String> = plan
        .neighbours
        .iter()
        .take(plan.neighbours.len() - 2)
        .cloned()
        .collect();
    assert_clean("envelopes", &captured.to_wire_text(), &plan, &neighbours);
}

/// The other half of `no_secret_reaches_files_console_or_log_lines`: does nothing unless
/// started by it as a child process.
#[test]
fn child_process_plants_every_secret() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let config = Config::from_env().expect("the parent sets a valid environment");
    let guard = monitor_runtime::init!(configure(config)).expect("init");
    let mut plan = plan();
    plant(&mut plan);
    guard.flush(std::time::Duration::from_secs(10));
    // The health report, as a `/health/monitoring` endpoint would serve it.
    println!(
        "HEALTH {}",
        serde_json::to_string(&monitor_runtime::health()).expect("the report serialises")
    );
    drop(guard);
}

#[test]
fn no_secret_reaches_files_console_or_log_lines() {
    assert_process_output_clean(false);
}

/// The same with `SENTRY_SEND_DEFAULT_PII=true`: request headers such as `X-Signature` are
/// then sent, and must still be filtered.
#[test]
fn no_secret_reaches_files_console_or_log_lines_with_default_pii() {
    assert_process_output_clean(true);
}

fn assert_process_output_clean(default_pii: bool) {
    let dir = std::env::temp_dir().join(format!(
        "monitor-privacy-{}-{default_pii}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let events_file: PathBuf = dir.join("events.jsonl");
    let _ = std::fs::remove_file(&events_file);
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "--exact",
            "child_process_plants_every_secret",
            "--nocapture",
        ])
        .args(["--test-threads", "1"])
        .env(CHILD, "1")
        .env_remove("SENTRY_DSN")
        .env_remove("RUST_LOG")
        .env("SENTRY_ENVIRONMENT", "development")
        .env("SENTRY_DEBUG", "true")
        .env("SENTRY_SEND_DEFAULT_PII", default_pii.to_string())
        .env("SENTRY_ENABLE_LOGS", "true")
        .env("LOG_FORMAT", "json")
        .env("LOG_LEVEL", "info")
        .env("MONITOR_EVENTS_FILE", &events_file)
        .env(
            "SENTRY_SPOTLIGHT",
            format!("http://spot:{SPOTLIGHT_PASSWORD}@127.0.0.1:1/stream"),
        )
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "child failed:\n{stdout}\n{stderr}");
    let events = std::fs::read_to_string(&events_file).expect("events file written");
    let _ = std::fs::remove_dir_all(&dir);

    // The plan is deterministic: the same secrets and neighbours as in the child.
    let mut plan = plan();
    let ((), _) = testing::Capture::new()
        .configure(configure)
        .run(|| plant(&mut plan));
    plan.secret(SPOTLIGHT_PASSWORD, "the Spotlight URL's password".into());

    // The toolkit's own lines: the Spotlight delivery error and the health report.
    assert!(
        stderr.contains("[sentry] spotlight: cannot deliver to http://127.0.0.1:1/stream"),
        "no Spotlight delivery error:\n{stderr}"
    );
    let health = stdout
        .lines()
        .find_map(|l| l.split_once("HEALTH ").map(|(_, json)| json.to_owned()))
        .unwrap_or_else(|| panic!("no health report:\n{stdout}"));
    assert!(health.contains("\"spotlight\":true"), "{health}");
    assert_clean("health report", &health, &plan, &[]);

    // libtest prints `test … ... ` before the first line.
    let json_lines: String = stdout
        .lines()
        .filter_map(|l| l.find("{\"timestamp\"").map(|at| &l[at..]))
        .collect::<Vec<_>>()
        .join("\n");
    let console: String = stderr
        .lines()
        .filter(|l| l.starts_with("[sentry]"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        json_lines.lines().count() >= 3,
        "no JSON log lines:\n{stdout}"
    );
    assert!(console.lines().count() >= 10, "no console lines:\n{stderr}");

    // Everything is checked for secrets; neighbours where the channel shows them: the events
    // file has every item; the JSON lines have the `tracing` events.
    assert_clean("events file", &events, &plan, &plan.neighbours);
    let tracing_neighbours = &plan.neighbours[plan.neighbours.len() - 2..];
    assert_clean("JSON log lines", &json_lines, &plan, tracing_neighbours);
    assert_clean("console lines", &console, &plan, &[]);
    assert_clean("all of stdout", &stdout, &plan, &[]);
    assert_clean("all of stderr", &stderr, &plan, &[]);
    // The console shows event messages and exception values: their neighbours survive.
    let shown: Vec<String> = plan
        .texts
        .get(&TextChannel::Message)
        .into_iter()
        .chain(plan.texts.get(&TextChannel::ExceptionValue))
        .flatten()
        .filter_map(|t| {
            t.split(' ')
                .find(|w| w.starts_with("nbr"))
                .map(str::to_owned)
        })
        .collect();
    assert!(!shown.is_empty());
    assert_clean("console lines", &console, &plan, &shown);
}
