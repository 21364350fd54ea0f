//! In-process tests of every route: requests go through the real router (Sentry layers,
//! auth, handlers, service, SQLite) with tower's `oneshot`, against the toolkit's capturing
//! client; the assertions are on what reaches the transport.

mod common;

use axum::body::Body;
use axum::http::StatusCode;
use common::*;
use monitor_runtime::sentry::Level;
use monitor_runtime::sentry::protocol::{Context, Metric, MetricType, SpanStatus, Unit};
use monitor_runtime::testing::{self, Capture, Captured, crumb_messages};
use serde_json::{Value, json};

/// The role of test user `i`: every other one is an admin.
fn role_of(i: usize) -> &'static str {
    if i.is_multiple_of(2) { "admin" } else { "user" }
}

/// The one metric named `name`.
fn metric<'c>(captured: &'c Captured, name: &str) -> &'c Metric {
    let found: Vec<_> = captured
        .metrics()
        .into_iter()
        .filter(|m| m.name == name)
        .collect();
    assert_eq!(found.len(), 1, "one {name}: {found:#?}");
    found[0]
}

fn metric_sum(captured: &Captured, name: &str) -> f64 {
    captured
        .metrics()
        .iter()
        .filter(|m| m.name == name)
        .map(|m| m.value)
        .sum()
}

#[test]
fn list_organisations_records_handler_service_and_db_spans() {
    let ((status, body), captured) = capture(|| async {
        let app = TestApp::new().await;
        app.get("/api/v1/organisations", Some(ADMIN)).await
    });
    assert_eq!(status, StatusCode::OK);
    let names: Vec<_> = body
        .as_array()
        .expect("a list")
        .iter()
        .map(|o| o["name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        names,
        ["Alforis Finance", "Kibray Construction", "Proximity Labs"]
    );
    assert!(captured.events().is_empty(), "{:#?}", captured.events());

    let tx = captured.transaction("GET /api/v1/organisations");
    let root = tx.root();
    assert_eq!(root.op.as_deref(), Some("http.server"));
    assert_eq!(tx.status(), Some(SpanStatus::Ok));
    assert_eq!(
        root.tags.get("status_code").map(String::as_str),
        Some("200")
    );
    assert_eq!(
        root.tags.get("user_role").map(String::as_str),
        Some("admin")
    );
    assert_eq!(
        tx.tree(),
        "GET /api/v1/organisations (http.server) ok\n\
         \x20 web_service::db::Db::user_by_token (db.query) ok\n\
         \x20 web_service::routes::organisations::list (http.handler) ok\n\
         \x20   web_service::service::OrganisationService::list (service) ok\n\
         \x20     web_service::db::Db::list_organisations (db.query) ok\n",
    );
    let query = tx.span("web_service::db::Db::list_organisations");
    assert_eq!(
        query.data.get("statement"),
        Some(&json!(
            "SELECT id, name, category, country FROM organisations ORDER BY id"
        ))
    );
    assert_eq!(query.data.get("system"), Some(&json!("sqlite")));

    // The request metrics, tagged by route and status, in the request's trace.
    let metrics = captured.metrics();
    let requests = metric(&captured, "http.requests");
    assert_eq!(requests.r#type, MetricType::Counter);
    assert_eq!(requests.value, 1.0);
    let attribute = |m: &Metric, key: &str| m.attributes.get(key).map(|a| a.0.clone());
    assert_eq!(attribute(requests, "method"), Some(json!("GET")));
    assert_eq!(
        attribute(requests, "route"),
        Some(json!("/api/v1/organisations"))
    );
    assert_eq!(attribute(requests, "status_code"), Some(json!(200)));
    assert_eq!(requests.trace_id.to_string(), tx.trace_id());
    let duration = metric(&captured, "http.request.duration");
    assert_eq!(duration.r#type, MetricType::Distribution);
    assert_eq!(duration.unit, Some(Unit::Millisecond));
    assert!(duration.value > 0.0);
    assert_eq!(attribute(duration, "route"), attribute(requests, "route"));

    // The handler's objective: its RED metrics, named after the objective.
    let calls = metric(&captured, "function.calls");
    assert_eq!(calls.r#type, MetricType::Counter);
    assert_eq!(
        attribute(calls, "objective"),
        Some(json!("organisations.list"))
    );
    assert_eq!(attribute(calls, "result"), Some(json!("ok")));
    assert_eq!(
        attribute(calls, "function"),
        Some(json!("web_service::routes::organisations::list"))
    );
    let latency = metric(&captured, "function.duration");
    assert_eq!(latency.r#type, MetricType::Distribution);
    assert_eq!(latency.unit, Some(Unit::Millisecond));
    assert_eq!(
        attribute(latency, "objective"),
        attribute(calls, "objective")
    );
    assert_eq!(metrics.len(), 4, "{metrics:#?}");
}

#[test]
fn create_organisation_and_unreported_422() {
    let ((created, invalid, not_json), captured) = capture(|| async {
        let app = TestApp::new().await;
        let created = app
            .send(json_request(
                "POST",
                "/api/v1/organisations",
                Some(USER),
                &json!({"name": "Acme", "category": "Company", "country": "FR"}),
            ))
            .await;
        let invalid = app
            .send(json_request(
                "POST",
                "/api/v1/organisations",
                Some(USER),
                &json!({"name": " ", "category": "Cult", "country": "France"}),
            ))
            .await;
        let not_json = app
            .send(request(
                "POST",
                "/api/v1/organisations",
                Some(USER),
                Body::from("name=Acme"),
            ))
            .await;
        (created, invalid, not_json)
    });
    assert_eq!(created.0, StatusCode::CREATED);
    assert_eq!(created.1["id"], json!(4));
    assert_eq!(created.1["name"], json!("Acme"));

    assert_eq!(invalid.0, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<_> = invalid.1["detail"]
        .as_array()
        .expect("field errors")
        .iter()
        .map(|e| e["field"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(fields, ["name", "category", "country"]);
    assert_eq!(not_json.0, StatusCode::UNPROCESSABLE_ENTITY);

    assert!(captured.events().is_empty(), "{:#?}", captured.events());
    let statuses: Vec<_> = captured
        .transactions()
        .iter()
        .filter(|t| t.name() == "POST /api/v1/organisations")
        .map(|t| t.status())
        .collect();
    assert_eq!(
        statuses,
        [
            Some(SpanStatus::Ok),
            Some(SpanStatus::InvalidArgument),
            Some(SpanStatus::InvalidArgument)
        ]
    );
    // Seed 002's PerformanceMonitor("create_organisation") inside the service span.
    let tx = &captured.transactions()[0];
    let monitor = tx.span("create_organisation");
    assert_eq!(monitor.data.get("org_id"), Some(&json!(4)));
    assert_eq!(
        monitor.tags.get("category").map(String::as_str),
        Some("Company")
    );
    let service = tx.span("web_service::service::OrganisationService::create");
    assert_eq!(monitor.parent_span_id, Some(service.span_id));
    assert_eq!(metric_sum(&captured, "organisations.created"), 1.0);
}

#[test]
fn unknown_organisation_is_an_unreported_404() {
    let ((found, missing), captured) = capture(|| async {
        let app = TestApp::new().await;
        (
            app.get("/api/v1/organisations/1", Some(USER)).await,
            app.get("/api/v1/organisations/99", Some(USER)).await,
        )
    });
    assert_eq!(found.0, StatusCode::OK);
    assert_eq!(found.1["name"], json!("Alforis Finance"));
    assert_eq!(missing.0, StatusCode::NOT_FOUND);
    assert_eq!(missing.1["detail"], json!("organisation 99 not found"));

    assert!(captured.events().is_empty(), "{:#?}", captured.events());
    let txs = captured.transactions();
    assert!(
        txs.iter()
            .all(|t| t.name() == "GET /api/v1/organisations/{id}"),
        "named by route template"
    );
    assert_eq!(txs[1].status(), Some(SpanStatus::NotFound));
    let handler = txs[1].span("web_service::routes::organisations::get");
    assert_eq!(handler.status, Some(SpanStatus::NotFound));
    assert_eq!(handler.data.get("id"), Some(&json!(99)));
}

#[test]
fn delete_is_for_admins_and_403_is_not_reported() {
    let ((forbidden, deleted, gone, again), captured) = capture(|| async {
        let app = TestApp::new().await;
        let path = "/api/v1/organisations/2";
        (
            app.send(request("DELETE", path, Some(USER), Body::empty()))
                .await,
            app.send(request("DELETE", path, Some(ADMIN), Body::empty()))
                .await,
            app.get(path, Some(ADMIN)).await,
            app.send(request("DELETE", path, Some(ADMIN), Body::empty()))
                .await,
        )
    });
    assert_eq!(forbidden.0, StatusCode::FORBIDDEN);
    assert_eq!(deleted.0, StatusCode::NO_CONTENT);
    assert_eq!(gone.0, StatusCode::NOT_FOUND);
    assert_eq!(again.0, StatusCode::NOT_FOUND);
    assert!(captured.events().is_empty(), "{:#?}", captured.events());

    let deletes: Vec<_> = captured
        .transactions()
        .into_iter()
        .filter(|t| t.name() == "DELETE /api/v1/organisations/{id}")
        .collect();
    assert_eq!(deletes.len(), 3);
    assert_eq!(deletes[0].status(), Some(SpanStatus::PermissionDenied));
    assert_eq!(
        deletes[0].root().tags.get("user_role").map(String::as_str),
        Some("user")
    );
    assert_eq!(deletes[1].status(), Some(SpanStatus::Ok));
    assert!(
        deletes[1]
            .spans()
            .iter()
            .any(|s| s.name == "web_service::db::Db::delete_organisation"
                && s.op.as_deref() == Some("db.query"))
    );
}

/// The acceptance test of the reported 500: one event with the exception, the tags, the
/// user, this request's breadcrumbs only, the route; and the transaction's span tree.
#[test]
fn stats_division_by_zero_is_one_reported_event_with_context() {
    let ((ok, failed), captured) = capture(|| async {
        let app = TestApp::new().await;
        // Another request first, by another user: none of its context may leak.
        let ok = app.get("/api/v1/organisations/1/stats", Some(ADMIN)).await;
        let failed = app
            .get(
                &format!("/api/v1/organisations/{EMPTY_ORG}/stats"),
                Some(USER),
            )
            .await;
        (ok, failed)
    });
    assert_eq!(ok.0, StatusCode::OK);
    assert_eq!(ok.1["member_count"], json!(3));
    assert_eq!(ok.1["total_deals"], json!(22));
    assert_eq!(failed.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(failed.1["detail"], json!("Internal server error"));

    let events = captured.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    let event = events[0];
    assert_eq!(
        failed.1["event_id"],
        json!(event.event_id.simple().to_string()),
        "the response names the event"
    );

    let exception = event.exception.values.last().expect("an exception");
    assert_eq!(exception.ty, "AppError");
    assert_eq!(
        exception.value.as_deref(),
        Some("division by zero: organisation 3 has no members")
    );
    assert_eq!(event.level, Level::Error);

    assert_eq!(tag(event, "error_type"), Some("zero_division"));
    assert_eq!(tag(event, "status_code"), Some("500"));
    assert_eq!(tag(event, "user_role"), Some("user"));
    assert_eq!(tag(event, "authenticated"), Some("true"));

    let user = event.user.as_ref().expect("the user");
    assert_eq!(user.id.as_deref(), Some("2"));
    assert_eq!(user.username.as_deref(), Some("user"));
    assert_eq!(
        user.email, None,
        "email is PII: not sent without SENTRY_SEND_DEFAULT_PII"
    );

    assert_eq!(event.transaction.as_deref(), Some(STATS_ROUTE));
    // The bearer token never leaves the process (sentry-tower drops the header; the
    // toolkit scrubs what is left).
    let wire = captured.to_wire_text();
    assert!(!wire.contains("user-token") && !wire.contains("admin-token"));

    // Seed 001: the numbers behind the division, like `total_questions = 0`.
    let Some(Context::Other(stats)) = event.contexts.get("organisation_stats") else {
        panic!("no organisation_stats context: {:#?}", event.contexts);
    };
    assert_eq!(stats.get("member_count"), Some(&json!(0)));
    assert_eq!(stats.get("organisation_id"), Some(&json!(3)));
    assert_eq!(stats.get("total_deals"), Some(&json!(0)));
    assert_eq!(
        stats.get("organisation_name"),
        Some(&json!("Proximity Labs"))
    );
    // Reported once, by the handler's `#[capture_errors]`, though the error crossed the
    // service span on its way up.
    assert_eq!(
        tag(event, "function"),
        Some("web_service::routes::organisations::stats")
    );

    assert_eq!(
        crumb_messages(event),
        [
            "HTTP Request: GET /api/v1/organisations/3/stats",
            "Looking up the bearer token",
            "Authenticated as user",
            "Fetching organisation 3",
            "Counting members of organisation 3",
            "Summing deals of organisation 3",
        ],
        "this request's breadcrumbs, and only them"
    );

    let tx = captured.transactions().into_iter().nth(1).expect("tx");
    assert_eq!(tx.name(), STATS_ROUTE);
    assert_eq!(tx.status(), Some(SpanStatus::InternalError));
    assert_eq!(tx.tree(), STATS_500_TREE,);
    assert_eq!(
        tx.raw().user.as_ref().and_then(|u| u.id.as_deref()),
        Some("2")
    );
    // The event belongs to the trace of its request.
    let Some(Context::Trace(trace)) = event.contexts.get("trace") else {
        panic!("no trace context");
    };
    assert_eq!(trace.trace_id.to_string(), tx.trace_id());
}

#[test]
fn incoming_sentry_trace_is_continued() {
    const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    const PARENT: &str = "00f067aa0ba902b7";
    const UNSAMPLED_TRACE: &str = "0af7651916cd43dd8448eb211c80319c";
    let (statuses, captured) = capture(|| async {
        let app = TestApp::new().await;
        let traced = |header: String| {
            let mut request = request(
                "GET",
                "/api/v1/organisations/3/stats",
                Some(ADMIN),
                Body::empty(),
            );
            request
                .headers_mut()
                .insert("sentry-trace", header.parse().expect("header"));
            request
        };
        let sampled = app.send(traced(format!("{TRACE_ID}-{PARENT}-1"))).await.0;
        // The caller decided not to sample: no transaction, but the error still joins the
        // caller's trace.
        let unsampled = app
            .send(traced(format!("{UNSAMPLED_TRACE}-{PARENT}-0")))
            .await
            .0;
        (sampled, unsampled)
    });
    assert_eq!(statuses.0, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(statuses.1, StatusCode::INTERNAL_SERVER_ERROR);
    let transactions = captured.transactions();
    assert_eq!(transactions.len(), 1, "the parent's sampling decision wins");
    let tx = captured.transaction(STATS_ROUTE);
    assert_eq!(tx.trace_id(), TRACE_ID);
    assert_eq!(
        tx.root().parent_span_id.map(|id| id.to_string()).as_deref(),
        Some(PARENT)
    );
    let trace_ids: Vec<_> = captured
        .events()
        .iter()
        .map(|event| match event.contexts.get("trace") {
            Some(Context::Trace(trace)) => trace.trace_id.to_string(),
            _ => panic!("no trace context"),
        })
        .collect();
    assert_eq!(trace_ids, [TRACE_ID, UNSAMPLED_TRACE]);
}

/// 50 requests from 50 users at once on a 4-worker runtime, all failing alike (the same
/// `/stats` 500, the same error message): each gives its own event, reported once by its
/// handler, and every event and transaction carries its own user, role tag and
/// breadcrumbs, never another request's.
#[test]
fn fifty_concurrent_users_never_mix_context() {
    const USERS: usize = 50;
    let (_, captured) = capture(|| async {
        let app = TestApp::new().await;
        for i in 0..USERS {
            let role = role_of(i);
            app.state
                .db
                .create_user(
                    &format!("user-{i}"),
                    &format!("user-{i}@example.com"),
                    role,
                    &format!("token-{i}"),
                )
                .await
                .expect("user");
        }
        let requests: Vec<_> = (0..USERS)
            .map(|i| {
                let router = app.router.clone();
                monitor_runtime::spawn(async move {
                    send(
                        router,
                        request(
                            "GET",
                            &format!("/api/v1/organisations/{EMPTY_ORG}/stats"),
                            Some(&format!("token-{i}")),
                            Body::empty(),
                        ),
                    )
                    .await
                })
            })
            .collect();
        for request in requests {
            let (status, _) = request.await.expect("task");
            assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        }
    });

    let events = captured.events();
    assert_eq!(events.len(), USERS, "one event per failed request");
    let mut seen = std::collections::BTreeSet::new();
    for event in events {
        let exception = event.exception.values.last().expect("an exception");
        assert_eq!(
            exception.value.as_deref(),
            Some("division by zero: organisation 3 has no members")
        );
        assert_eq!(tag(event, "error_type"), Some("zero_division"));
        assert_eq!(tag(event, "status_code"), Some("500"));
        let user = event.user.as_ref().expect("user");
        let username = user.username.clone().expect("username");
        let i: usize = username
            .strip_prefix("user-")
            .and_then(|n| n.parse().ok())
            .expect("a test user");
        assert!(seen.insert(i), "two events for {username}");
        let role = role_of(i);
        assert_eq!(tag(event, "user_role"), Some(role), "{username}");
        assert_eq!(tag(event, "authenticated"), Some("true"));
        let crumbs = crumb_messages(event);
        let auth: Vec<_> = crumbs
            .iter()
            .filter(|m| m.starts_with("Authenticated as"))
            .collect();
        assert_eq!(auth, [&format!("Authenticated as {username}")]);
        assert_eq!(crumbs.len(), 6, "{username}: {crumbs:?}");
        assert_eq!(event.transaction.as_deref(), Some(STATS_ROUTE));
    }

    let txs: Vec<_> = captured
        .transactions()
        .into_iter()
        .filter(|t| t.name() == STATS_ROUTE)
        .collect();
    assert_eq!(txs.len(), USERS);
    for tx in txs {
        let raw = tx.raw();
        let username = raw
            .user
            .as_ref()
            .and_then(|u| u.username.clone())
            .expect("user");
        let i: usize = username[5..].parse().expect("a test user");
        let role = role_of(i);
        assert_eq!(raw.tags.get("user_role").map(String::as_str), Some(role));
        assert_eq!(tx.spans().len(), 7, "{}", tx.tree());
    }
}

#[test]
fn import_captures_start_and_end_messages_with_stage_breadcrumbs() {
    let csv = "name,category,country\n\
               Acme,Company,FR\n\
               ,Startup,\n\
               Globex,Corporation,US\n\
               Initech,Company,\n\
               Alforis Finance,Institution,FR\n";
    let ((status, body), captured) = capture(move || async move {
        let app = TestApp::new().await;
        app.send(request(
            "POST",
            "/api/v1/organisations/import?filename=orgs.csv",
            Some(ADMIN),
            Body::from(csv),
        ))
        .await
    });
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["success"], json!(2));
    assert_eq!(body["errors"], json!(3));
    let lines: Vec<_> = body["failures"]
        .as_array()
        .expect("failures")
        .iter()
        .map(|f| f["line"].as_u64().unwrap_or_default())
        .collect();
    assert_eq!(lines, [3, 4, 6], "empty name, bad category, duplicate");

    let events = captured.events();
    let messages: Vec<_> = events
        .iter()
        .map(|e| (e.level, testing::message(e).unwrap_or_default().to_owned()))
        .collect();
    assert_eq!(
        messages,
        [
            (Level::Info, "Starting import from orgs.csv".to_owned()),
            (
                Level::Warning,
                "Import completed: 2 success, 3 errors".to_owned()
            ),
        ]
    );
    let stages: Vec<_> = events[1]
        .breadcrumbs
        .values
        .iter()
        .filter(|b| b.category.as_deref() == Some("import"))
        .map(|b| b.message.clone().unwrap_or_default())
        .collect();
    assert_eq!(
        stages,
        ["Starting import", "Validating file", "Processing rows"]
    );
    assert_eq!(tag(events[1], "user_role"), Some("admin"));
    assert_eq!(
        events[1].transaction.as_deref(),
        Some("POST /api/v1/organisations/import")
    );
    assert_eq!(metric_sum(&captured, "organisations.imported"), 2.0);
    assert_eq!(metric_sum(&captured, "organisations.import_failed"), 3.0);
}

#[test]
fn clean_import_ends_with_an_info_message() {
    let ((status, body), captured) = capture(|| async {
        let app = TestApp::new().await;
        app.send(request(
            "POST",
            "/api/v1/organisations/import",
            Some(USER),
            Body::from("name,category,country\nAcme,Company,FR\nGlobex,Startup,\n"),
        ))
        .await
    });
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["errors"], json!(0));
    let events = captured.events();
    assert_eq!(events.len(), 2);
    assert_eq!(
        testing::message(events[0]),
        Some("Starting import from upload.csv")
    );
    assert_eq!(events[1].level, Level::Info);
    assert_eq!(
        testing::message(events[1]),
        Some("Import completed: 2 success, 0 errors")
    );
}

#[test]
fn me_sets_the_user_context_and_anonymous_requests_are_401() {
    let ((me, anonymous, bad_token, bad_scheme), captured) = capture(|| async {
        let app = TestApp::new().await;
        (
            app.get("/api/v1/me", Some(ADMIN)).await,
            app.get("/api/v1/me", None).await,
            app.get("/api/v1/me", Some("stolen")).await,
            app.send(
                axum::http::Request::builder()
                    .uri("/api/v1/me")
                    .header("authorization", "Basic YWRtaW46YWRtaW4=")
                    .body(Body::empty())
                    .expect("request"),
            )
            .await,
        )
    });
    assert_eq!(me.0, StatusCode::OK);
    assert_eq!(
        me.1,
        json!({"id": 1, "username": "admin", "email": "admin@example.com", "role": "admin"})
    );
    assert_eq!(anonymous.0, StatusCode::UNAUTHORIZED);
    assert_eq!(bad_token.0, StatusCode::UNAUTHORIZED);
    assert_eq!(bad_scheme.0, StatusCode::UNAUTHORIZED);
    assert!(captured.events().is_empty(), "{:#?}", captured.events());

    let txs: Vec<_> = captured
        .transactions()
        .into_iter()
        .filter(|t| t.name() == "GET /api/v1/me")
        .collect();
    assert_eq!(txs.len(), 4);
    let tags = |i: usize, key: &str| txs[i].raw().tags.get(key).cloned();
    assert_eq!(tags(0, "authenticated").as_deref(), Some("true"));
    assert_eq!(tags(0, "user_role").as_deref(), Some("admin"));
    assert_eq!(
        txs[0]
            .raw()
            .user
            .as_ref()
            .and_then(|u| u.username.as_deref()),
        Some("admin")
    );
    for tx in &txs[1..] {
        let tags = &tx.raw().tags;
        assert_eq!(tags.get("authenticated").map(String::as_str), Some("false"));
        assert_eq!(tags.get("user_role"), None);
        assert_eq!(tx.status(), Some(SpanStatus::Unauthenticated));
    }
}

/// `/health/monitoring` is seed 002's `{"status": "ok", "monitoring": …}` with the
/// toolkit's `health()` report. In process the capture's client is not `init`'s, so the
/// report says "not initialised"; `tests/process.rs` checks a running binary's report.
#[test]
fn health_reports_the_toolkit() {
    let ((status, body), captured) = capture(|| async {
        let app = TestApp::new().await;
        app.get("/health/monitoring", None).await
    });
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], json!("ok"));
    let monitoring = &body["monitoring"];
    assert_eq!(
        monitoring,
        &serde_json::to_value(monitor_runtime::health()).expect("health JSON"),
        "the route returns health() as it is"
    );
    assert_eq!(monitoring["initialised"], json!(false));
    assert_eq!(monitoring["sentry"]["mode"], json!("disabled"));
    assert_eq!(monitoring["sentry"]["dsn_configured"], json!(false));
    for key in [
        "sent",
        "dropped",
        "dropped_by_reason",
        "filtered",
        "destinations",
    ] {
        assert!(
            !monitoring["sentry"]["events"][key].is_null(),
            "{key}: {monitoring}"
        );
    }
    assert_eq!(monitoring["metrics"]["rejected"], json!(0));
    assert_eq!(monitoring["warnings"], json!([]));
    assert!(
        monitoring["instrumented_functions"].as_u64().unwrap_or(0) >= 15,
        "{monitoring}"
    );
    assert!(captured.events().is_empty());
    captured.transaction("GET /health/monitoring");
}

/// [`web_service::app::ROUTES`], which `main` declares to the toolkit so that
/// `SENTRY_TRACES_SAMPLER` rules on routes do not warn, names exactly the transactions the
/// router produces.
#[test]
fn declared_routes_are_the_transactions_of_the_router() {
    let (_, captured) = capture(|| async {
        let app = TestApp::new().await;
        let call = |method: &str, path: &str| request(method, path, Some(ADMIN), Body::empty());
        for request in [
            call("GET", "/api/v1/organisations"),
            json_request(
                "POST",
                "/api/v1/organisations",
                Some(ADMIN),
                &json!({"name": "Acme", "category": "Company"}),
            ),
            call("POST", "/api/v1/organisations/import"),
            call("GET", "/api/v1/organisations/1"),
            call("DELETE", "/api/v1/organisations/2"),
            call("GET", "/api/v1/organisations/1/stats"),
            call("GET", "/api/v1/me"),
            call("GET", "/health/monitoring"),
            call("GET", "/debug/sentry-test"),
        ] {
            let path = request.uri().to_string();
            let (status, body) = app.send(request).await;
            assert!(status.is_success(), "{path}: {status} {body}");
        }
    });
    let mut produced: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    produced.sort();
    let mut declared = web_service::app::ROUTES.map(str::to_owned).to_vec();
    declared.sort();
    assert_eq!(produced, declared);
}

#[test]
fn sentry_test_route_captures_a_message_and_an_error() {
    let ((status, body), captured) = capture(|| async {
        let app = TestApp::new().await;
        app.get("/debug/sentry-test", None).await
    });
    assert_eq!(status, StatusCode::OK);
    let events = captured.events();
    assert_eq!(events.len(), 2);
    let id = |i: usize| Value::from(events[i].event_id.simple().to_string());
    assert_eq!(body["message_event_id"], id(0));
    assert_eq!(body["error_event_id"], id(1));

    assert_eq!(testing::message(events[0]), Some("Test message from CRM"));
    assert_eq!(events[0].level, Level::Info);
    let exception = events[1].exception.values.last().expect("exception");
    assert_eq!(exception.ty, "ZeroDivisionError");
    assert_eq!(exception.value.as_deref(), Some("division by zero"));
    assert_eq!(events[1].extra.get("test"), Some(&json!("sentry")));
    assert_eq!(tag(events[1], "authenticated"), Some("false"));
    assert_eq!(
        events[1].transaction.as_deref(),
        Some("GET /debug/sentry-test")
    );
}

#[test]
fn unmatched_paths_share_one_transaction_name() {
    let ((first, second), captured) = capture(|| async {
        let app = TestApp::new().await;
        (
            app.get("/wp-login.php", None).await,
            app.get("/.env", None).await,
        )
    });
    assert_eq!(first.0, StatusCode::NOT_FOUND);
    assert_eq!(second.0, StatusCode::NOT_FOUND);
    assert!(captured.events().is_empty());
    let names: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["GET <unmatched>", "GET <unmatched>"]);
}

/// Seed 003's per-endpoint sampling, written against route templates.
#[test]
fn per_route_sampling_rules_apply_to_route_templates() {
    let rules = "GET /api/v1/organisations/*=1.0;*=0.0"
        .parse()
        .expect("rules");
    let (_, captured) = Capture::new()
        .configure(|c| c.traces_sampler(rules))
        .run_async(async {
            let app = TestApp::new().await;
            app.get("/api/v1/organisations/1", Some(USER)).await;
            app.get("/api/v1/organisations", Some(USER)).await;
            app.get("/api/v1/me", Some(USER)).await;
        });
    let names: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["GET /api/v1/organisations/{id}"]);
}

/// Seed 004's production profile: only errors are sent, so the 500 is reported but the
/// import's info and warning messages are not.
#[test]
fn production_profile_reports_the_500_but_not_messages() {
    let (_, captured) = Capture::new()
        .configure(|c| c.environment("production").traces_sample_rate(1.0))
        .run_async(async {
            let app = TestApp::new().await;
            app.get("/api/v1/organisations/3/stats", Some(USER)).await;
            app.send(request(
                "POST",
                "/api/v1/organisations/import",
                Some(USER),
                Body::from("name,category,country\n,Bad,\n"),
            ))
            .await;
            app.get("/api/v1/organisations/99", Some(USER)).await;
        });
    let events = captured.events();
    assert_eq!(events.len(), 1, "{events:#?}");
    assert_eq!(tag(events[0], "status_code"), Some("500"));
    assert_eq!(events[0].environment.as_deref(), Some("production"));
}
