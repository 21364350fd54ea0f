use serde_json::json;
use tracing_subscriber::prelude::*;

use super::*;

/// Collects what the layer writes.
type Buffer = crate::testing::LogLines;

fn with_lines(config: &Config, format: LogFormat, f: impl FnOnce()) -> Buffer {
    let buffer = Buffer::default();
    let layer = Logging::new(config)
        .format(format)
        .writer(buffer.clone())
        .sentry(false)
        .layer()
        .expect("valid filter");
    tracing::subscriber::with_default(tracing_subscriber::registry().with(layer), f);
    buffer
}

#[derive(Debug)]
struct Outer(Inner);
#[derive(Debug)]
struct Inner;

impl std::fmt::Display for Outer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("import failed")
    }
}
impl std::fmt::Display for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("disk full")
    }
}
impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}
impl std::error::Error for Inner {}

#[test]
fn json_lines_hold_the_documented_keys_and_typed_fields() {
    let buffer = with_lines(&Config::default(), LogFormat::Json, || {
        let error = Outer(Inner);
        tracing::info!(
            org_id = 123,
            ratio = 0.5,
            active = true,
            name = "Alforis",
            tags = ?["a", "b"],
            error = &error as &dyn std::error::Error,
            "organisation_created"
        );
    });
    let lines = buffer.json_lines();
    assert_eq!(lines.len(), 1);
    let mut line = lines[0].clone();
    let timestamp = line["timestamp"].as_str().expect("timestamp").to_owned();
    assert!(
        timestamp.ends_with('Z') && timestamp.contains('T'),
        "{timestamp}"
    );
    line["timestamp"] = json!("<ts>");
    assert_eq!(
        line,
        json!({
            "timestamp": "<ts>",
            "level": "info",
            "target": "monitor_runtime::logging::tests",
            "message": "organisation_created",
            "org_id": 123,
            "ratio": 0.5,
            "active": true,
            "name": "Alforis",
            "tags": "[\"a\", \"b\"]",
            "error": "import failed: disk full",
        })
    );
    assert!(
        buffer.text().starts_with("{\"timestamp\":"),
        "the fixed keys come first: {}",
        buffer.text()
    );
}

#[test]
fn fields_named_like_fixed_keys_do_not_overwrite_them() {
    let buffer = with_lines(&Config::default(), LogFormat::Json, || {
        tracing::warn!(level = "custom", trace_id = "mine", "collision");
    });
    let line = &buffer.json_lines()[0];
    assert_eq!(line["level"], "warn");
    assert_eq!(line["fields.level"], "custom");
    assert_eq!(line["fields.trace_id"], "mine");
    assert!(line.get("trace_id").is_none(), "no span: {line}");
}

#[test]
fn a_message_cannot_forge_a_second_line() {
    let buffer = with_lines(&Config::default(), LogFormat::Json, || {
        tracing::info!("first\n{{\"level\":\"error\"}}");
    });
    assert_eq!(buffer.json_lines().len(), 1);

    let pretty = with_lines(&Config::default(), LogFormat::Pretty, || {
        tracing::info!(note = "a\nb", "first\nsecond\x1b[31m");
    });
    assert_eq!(pretty.text().lines().count(), 1, "{}", pretty.text());
    assert!(!pretty.text().contains('\x1b'));
}

#[test]
fn secrets_are_scrubbed_from_lines_with_the_configured_keys() {
    let config = Config::default().scrub_key("iban");
    let buffer = with_lines(&config, LogFormat::Json, || {
        tracing::info!(
            password = "hunter2",
            customer_iban = "DE44 5001",
            url = "postgres://app:s3cret@db/crm",
            "connecting with token=abc123"
        );
    });
    let text = buffer.text();
    for secret in ["hunter2", "DE44", "s3cret", "abc123"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let line = &buffer.json_lines()[0];
    assert_eq!(line["password"], "[Filtered]");
    assert_eq!(line["customer_iban"], "[Filtered]");
    assert_eq!(line["url"], "postgres://app:[Filtered]@db/crm");
}

#[test]
fn the_filter_comes_from_the_configuration() {
    let config = Config::default().log_filter("warn,monitor_runtime::logging=debug".into());
    let buffer = with_lines(&config, LogFormat::Json, || {
        tracing::trace!("dropped");
        tracing::debug!("kept");
        tracing::debug!(target: "elsewhere", "dropped");
        tracing::warn!(target: "elsewhere", "kept");
    });
    let messages: Vec<_> = buffer
        .json_lines()
        .iter()
        .map(|l| l["message"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(messages, ["kept", "kept"]);
}

#[test]
fn pretty_lines_read_as_text() {
    let buffer = with_lines(&Config::default(), LogFormat::Pretty, || {
        tracing::info!(org_id = 123, name = "Alforis", "organisation_created");
    });
    let text = buffer.text();
    let (_timestamp, rest) = text.split_once(' ').expect("timestamp first");
    assert_eq!(
        rest,
        " INFO monitor_runtime::logging::tests: organisation_created org_id=123 name=\"Alforis\"\n"
    );
}

#[test]
fn an_unparsable_filter_is_an_error_not_a_panic() {
    let config = Config::default().log_filter("info,sqlx=loud".into());
    let err = layers::<tracing_subscriber::Registry>(&config)
        .err()
        .expect("bad directives");
    assert!(
        err.to_string()
            .starts_with("Config::log_filter(\"info,sqlx=loud\") is invalid")
    );
    assert!(matches!(
        Logging::new(&config).install(),
        Err(InstallError::Config(_))
    ));
}
