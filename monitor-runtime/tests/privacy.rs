//! No secret leaves the process: secrets planted in every channel an application writes
//! to never appear in what reaches the transport, and their harmless neighbours do.

use monitor_runtime::sentry::protocol::Request;
use monitor_runtime::sentry::{self, Level};
use monitor_runtime::{PerformanceMonitor, Report, User, testing};
use serde_json::json;

/// Distinct, greppable secret values; none of them may reach the wire.
const SECRETS: [&str; 32] = [
    "s01-extra-password",
    "s02-dburl-pass",
    "s03-tag-apikey",
    "s04-tag-session",
    "s05-context-token",
    "s06-context-bearer",
    "s07-header-bearer",
    "s08-cookie-sid",
    "s09-header-apikey",
    "s10-query-token",
    "s11-request-cookie",
    "s12-body-password",
    "s13-exception-urlpass",
    "s14-exception-token",
    "s15-crumb-secret",
    "s16-crumb-bearer",
    "s17-span-client-secret",
    "s18-span-url-pass",
    "s19-span-tag-auth-token",
    "s20-tx-tag-private-key",
    "s21-log-attr-password",
    "s22-log-body-token",
    "s23-metric-attr-apikey",
    "s24-metric-url-pass",
    "s25-user-email@example.com",
    "s26-message-password",
    "s27-report-session",
    "s28-nested-authorization",
    "s29-span-description-pass",
    "s30-scope-tag-csrf",
    "s31-tx-extra-secret",
    "s32-log-attr-cookie",
];

#[test]
fn no_planted_secret_reaches_the_transport() {
    let s = SECRETS;
    let ((), captured) = testing::capture(|| {
        // Scope: tags, context, user; carried by every later event and transaction.
        monitor_runtime::set_tag("api_key", s[2]);
        monitor_runtime::set_tag("session_id", s[3]);
        monitor_runtime::set_tag("component", "billing");
        monitor_runtime::set_tag("csrf_token", s[29]);
        monitor_runtime::set_context(
            "login",
            json!({ "token": s[4], "note": format!("sent Bearer {}", s[5]), "provider": "oidc" }),
        );
        monitor_runtime::set_user(
            User::new("1247")
                .email(s[24])
                .ip_address("10.1.2.3")
                .role("admin"),
        );

        // Breadcrumbs.
        monitor_runtime::add_breadcrumb(
            "auth",
            format!("calling upstream with Bearer {}", s[15]),
            &[("secret", json!(s[14])), ("attempt", json!(2))],
        );

        // A transaction with spans, span data, tags and a description with credentials.
        let tx = PerformanceMonitor::start_transaction("GET /api/v1/organisations");
        tx.set_tag("private_key", s[19]);
        tx.set_tag("route", "organisations");
        tx.set_data("client_secret", s[30]);
        tx.in_scope(|| {
            let call = PerformanceMonitor::start(format!(
                "GET https://svc:{}@api.example.com/data",
                s[28]
            ))
            .op("http.client");
            call.set_data("client_secret", s[16]);
            call.set_data(
                "url",
                format!("https://user:{}@api.example.com/x?page=2", s[17]),
            );
            call.set_tag("auth_token", s[18]);
            call.set_tag("region", "eu-west");
        });
        tx.finish();

        // Events: an error with a chain, a message, a report with extra and a request.
        let error = std::io::Error::other(format!(
            "login failed for postgres://app:{}@db.internal/prod with token={}",
            s[12], s[13]
        ));
        Report::error(&error)
            .extra("password", s[0])
            .extra(
                "db_url",
                format!("postgres://app:{}@db.internal/prod", s[1]),
            )
            .extra("session", s[26])
            .extra(
                "headers",
                json!({ "Authorization": s[27], "Accept": "application/json" }),
            )
            .extra("customer", "Alice")
            .capture();
        sentry::capture_event(sentry::protocol::Event {
            message: Some("request failed".into()),
            level: Level::Error,
            request: Some(Request {
                url: "https://shop.example.com/checkout?token=abc&page=2"
                    .parse()
                    .ok(),
                method: Some("POST".into()),
                query_string: Some(format!("token={}&page=2", s[9])),
                cookies: Some(format!("session={}", s[10])),
                data: Some(json!({ "password": s[11], "name": "Alice" }).to_string()),
                headers: [
                    ("Authorization".to_owned(), format!("Bearer {}", s[6])),
                    ("Cookie".to_owned(), format!("sid={}", s[7])),
                    ("X-Api-Key".to_owned(), s[8].to_owned()),
                    ("User-Agent".to_owned(), "curl/8".to_owned()),
                ]
                .into_iter()
                .collect(),
                ..Request::default()
            }),
            ..Default::default()
        });
        monitor_runtime::capture_message(
            &format!("connecting with password={}", s[25]),
            Level::Error,
        );

        // Logs and metrics.
        sentry::logger_info!(
            password = s[20],
            cookie = s[31],
            user = "alice",
            "login with token={}",
            s[21]
        );
        sentry::metrics::counter("login.attempts", 1)
            .attribute("api_key", s[22])
            .attribute("outcome", "success")
            .capture();
        sentry::metrics::gauge("cache.connections", 3)
            .attribute("url", format!("redis://:{}@cache:6379", s[23]))
            .capture();
    });

    let wire = captured.to_wire_text();
    for secret in SECRETS {
        assert!(
            !wire.contains(secret),
            "secret {secret:?} reached the transport"
        );
    }
    assert!(
        !wire.contains("10.1.2.3"),
        "the user's IP reached the transport without PII consent"
    );
    for neighbour in [
        "billing",
        "oidc",
        "1247",
        "admin",
        "\"attempt\":2",
        "organisations",
        "eu-west",
        "page=2",
        "Alice",
        "alice",
        "curl/8",
        "success",
        "login.attempts",
        "cache.connections",
        "db.internal",
        "api.example.com",
        "application/json",
    ] {
        assert!(
            wire.contains(neighbour),
            "harmless value {neighbour:?} was lost"
        );
    }
    // Every channel really was exercised.
    assert_eq!(captured.transactions().len(), 1);
    assert_eq!(captured.events().len(), 3);
    assert!(!captured.logs().is_empty());
    assert_eq!(captured.metrics().len(), 2);
}
