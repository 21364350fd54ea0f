//! Two processes, gateway → web service, in local mode with an events file each: one
//! gateway request is one trace across both, the web service's transactions hang under the
//! gateway's `http.client` spans, the gateway's sampling decision holds in both, and every
//! envelope of a trace carries the gateway's dynamic sampling context.
//!
//! The gateway is its real binary. The web service runs its router, settings and
//! telemetry from its library in a child process of this test binary (the
//! `web_service_process` test below): cargo gives a test the binaries of its own package
//! only.

#![cfg(unix)]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

const ROLE: &str = "GATEWAY_TEST_ROLE";

/// The web service, when this binary is started with `GATEWAY_TEST_ROLE=web-service`: what
/// `examples/web-service/src/main.rs` does, from the same library.
#[test]
#[ignore = "the web service of the two-service tests, started by them in a child process"]
fn web_service_process() {
    if std::env::var(ROLE).as_deref() != Ok("web-service") {
        return;
    }
    let config = monitor_runtime::Config::from_env().expect("monitoring configuration");
    let _monitor =
        monitor_runtime::init!(web_service::telemetry::declare_routes(config)).expect("init");
    let settings = web_service::settings::Settings::from_env().expect("settings");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let state = web_service::AppState::connect(&settings.database_url)
            .await
            .expect("database");
        let listener = tokio::net::TcpListener::bind(settings.addr)
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tracing::info!(addr = %addr, "listening");
        web_service::server::serve(
            listener,
            web_service::app(state),
            web_service::server::shutdown_signal(),
        )
        .await
        .expect("serve");
    });
}

/// A running service; killed if the test fails before stopping it.
struct Service {
    child: Child,
    addr: String,
    events: PathBuf,
}

impl Service {
    /// Starts `command` and waits for its `listening` log line.
    fn start(mut command: Command, events: PathBuf) -> Service {
        let mut child = command
            .env_remove("SENTRY_DSN")
            .env_remove("RUST_LOG")
            .env_remove("SENTRY_TRACES_SAMPLER")
            .env("MONITOR_EVENTS_FILE", &events)
            .env("SENTRY_DEBUG", "false")
            .env("LOG_FORMAT", "json")
            .env("LOG_LEVEL", "info")
            .env("PORT", "0")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a service");
        let (lines, received) = mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = lines.send(line);
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = loop {
            let line = received
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the service logs `listening` within 60 s");
            // In the web service's process, the test harness writes `test … ` before the
            // first log line, on the same line.
            let json = line.find('{').map_or("", |start| &line[start..]);
            let Ok(log) = serde_json::from_str::<Value>(json) else {
                continue;
            };
            if log["message"] == "listening" {
                break log["addr"].as_str().expect("addr").to_owned();
            }
        };
        Service {
            child,
            addr,
            events,
        }
    }

    /// SIGTERM, then waits for a clean exit (events flushed).
    fn stop(mut self) -> PathBuf {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                assert!(status.success(), "{status}");
                break;
            }
            assert!(Instant::now() < deadline, "no exit within 30 s of SIGTERM");
            thread::sleep(Duration::from_millis(50));
        }
        self.events.clone()
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn web_service(dir: &Path, rate: &str) -> Service {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "--exact",
            "web_service_process",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(ROLE, "web-service")
        .env("SENTRY_ENVIRONMENT", "development")
        .env("SENTRY_RELEASE", "web-service@test")
        .env("SENTRY_TRACES_SAMPLE_RATE", rate)
        .env(
            "DATABASE_URL",
            format!("sqlite:{}?mode=rwc", dir.join("crm.db").display()),
        );
    Service::start(command, dir.join("web-service.jsonl"))
}

fn gateway(dir: &Path, rate: &str, web: &Service) -> Service {
    let mut command = Command::new(env!("CARGO_BIN_EXE_gateway"));
    command
        .env("SENTRY_ENVIRONMENT", "development")
        .env_remove("SENTRY_RELEASE")
        .env("SENTRY_TRACES_SAMPLE_RATE", rate)
        .env("WEB_SERVICE_URL", format!("http://{}", web.addr));
    Service::start(command, dir.join("gateway.jsonl"))
}

/// Requests to the gateway, from a small runtime of the test's own.
struct Client {
    runtime: tokio::runtime::Runtime,
    http: reqwest::Client,
}

impl Client {
    fn new() -> Client {
        Client {
            runtime: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime"),
            http: reqwest::Client::new(),
        }
    }

    /// `GET http://{addr}{path}`: the status and body.
    fn get(&self, addr: &str, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        self.runtime.block_on(async {
            let mut request = self.http.get(format!("http://{addr}{path}"));
            for (name, value) in headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.expect("a response");
            let status = response.status().as_u16();
            (status, response.text().await.expect("a body"))
        })
    }
}

const ADMIN: (&str, &str) = ("Authorization", "Bearer admin-token");

/// The lines of an events file, by item type.
struct Events {
    lines: Vec<Value>,
}

impl Events {
    fn read(path: &Path) -> Events {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        Events {
            lines: text
                .lines()
                .map(|line| serde_json::from_str(line).expect("a JSON line"))
                .collect(),
        }
    }

    fn of_type(&self, kind: &str) -> Vec<&Value> {
        self.lines.iter().filter(|l| l["type"] == kind).collect()
    }

    fn transactions(&self, name: &str) -> Vec<&Value> {
        self.of_type("transaction")
            .into_iter()
            .filter(|l| name == "*" || l["payload"]["transaction"] == name)
            .collect()
    }
}

fn trace_id(line: &Value) -> &str {
    line["payload"]["contexts"]["trace"]["trace_id"]
        .as_str()
        .expect("trace id")
}

#[test]
fn one_gateway_request_is_one_trace_across_both_services() {
    let dir = tempfile::tempdir().expect("temp dir");
    let web = web_service(dir.path(), "1.0");
    let gw = gateway(dir.path(), "1.0", &web);
    let client = Client::new();
    let (status, body) = client.get(&gw.addr, "/api/v1/dashboard", &[ADMIN]);
    assert_eq!(status, 200, "{body}");
    let dashboard: Value = serde_json::from_str(&body).expect("JSON");
    assert_eq!(dashboard["organisations"], 3, "{dashboard}");
    assert_eq!(dashboard["unavailable"], 1, "organisation 3 has no members");
    let (status, _) = client.get(&gw.addr, "/health", &[]);
    assert_eq!(status, 200);
    let web_addr = web.addr.clone();
    let gw_events = Events::read(&gw.stop());
    let web_events = Events::read(&web.stop());

    // The gateway: one transaction (the health check is not sent), four http.client spans.
    let gw_tx = gw_events.transactions("*");
    assert_eq!(gw_tx.len(), 1, "{:#?}", gw_tx);
    let gw_tx = gw_tx[0];
    assert_eq!(gw_tx["payload"]["transaction"], "GET /api/v1/dashboard");
    let trace = trace_id(gw_tx);
    let clients: BTreeMap<String, &Value> = gw_tx["payload"]["spans"]
        .as_array()
        .expect("spans")
        .iter()
        .filter(|s| s["op"] == "http.client")
        .map(|s| (s["span_id"].as_str().unwrap().to_owned(), s))
        .collect();
    let mut descriptions: Vec<_> = clients
        .values()
        .map(|s| s["description"].as_str().unwrap().to_owned())
        .collect();
    descriptions.sort();
    let base = format!("GET http://{web_addr}/api/v1/organisations");
    assert_eq!(
        descriptions,
        [
            base.clone(),
            format!("{base}/1/stats"),
            format!("{base}/2/stats"),
            format!("{base}/3/stats"),
        ]
    );

    // The web service: four transactions of the same trace, each the child of the
    // gateway's http.client span that called it.
    let web_tx = web_events.transactions("*");
    assert_eq!(web_tx.len(), 4, "{:#?}", web_tx);
    for tx in &web_tx {
        assert_eq!(trace_id(tx), trace, "one trace id");
        let parent = tx["payload"]["contexts"]["trace"]["parent_span_id"]
            .as_str()
            .expect("a parent span");
        let client = clients
            .get(parent)
            .unwrap_or_else(|| panic!("parent {parent} is no http.client span of the gateway"));
        let called = client["data"]["url"].as_str().unwrap();
        let served = tx["payload"]["request"]["url"]
            .as_str()
            .expect("request url");
        assert_eq!(
            called.rsplit_once("/api/").map(|(_, p)| p),
            served.rsplit_once("/api/").map(|(_, p)| p)
        );
    }

    // One dynamic sampling context: the gateway's, on every envelope of the trace, the
    // web service's error event (organisation 3's 500) included.
    let dsc = &gw_tx["trace"];
    assert_eq!(dsc["trace_id"], trace);
    assert_eq!(dsc["transaction"], "GET /api/v1/dashboard");
    assert_eq!(dsc["sample_rate"], "1");
    assert_eq!(dsc["sampled"], "true");
    assert_eq!(dsc["environment"], "development");
    assert!(
        dsc["release"]
            .as_str()
            .is_some_and(|r| r.starts_with("gateway@")),
        "{dsc}"
    );
    for tx in &web_tx {
        assert_eq!(&tx["trace"], dsc, "{}", tx["payload"]["transaction"]);
    }
    let errors = web_events.of_type("event");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(trace_id(errors[0]), trace);
    assert_eq!(&errors[0]["trace"], dsc);
}

#[test]
fn at_rate_half_every_trace_is_sampled_in_both_services_or_neither() {
    const REQUESTS: usize = 200;
    let dir = tempfile::tempdir().expect("temp dir");
    // The web service would keep everything on its own: the gateway's decision must win.
    let web = web_service(dir.path(), "1.0");
    let gw = gateway(dir.path(), "0.5", &web);
    let client = Client::new();
    for _ in 0..REQUESTS {
        let (status, body) = client.get(&gw.addr, "/api/v1/dashboard", &[ADMIN]);
        assert_eq!(status, 200, "{body}");
    }
    let gw_events = Events::read(&gw.stop());
    let web_events = Events::read(&web.stop());

    let gateway_traces: BTreeMap<&str, &Value> = gw_events
        .transactions("GET /api/v1/dashboard")
        .into_iter()
        .map(|tx| (trace_id(tx), tx))
        .collect();
    let sampled = gateway_traces.len();
    assert!(
        (40..=160).contains(&sampled),
        "{sampled} of {REQUESTS} sampled at 0.5"
    );

    let mut per_trace: BTreeMap<&str, Vec<&Value>> = BTreeMap::new();
    for tx in web_events.transactions("*") {
        per_trace.entry(trace_id(tx)).or_default().push(tx);
    }
    let web_traces: BTreeSet<&str> = per_trace.keys().copied().collect();
    let gw_traces: BTreeSet<&str> = gateway_traces.keys().copied().collect();
    assert_eq!(
        web_traces, gw_traces,
        "sampled in both services or in neither"
    );

    for (trace, txs) in &per_trace {
        assert_eq!(txs.len(), 4, "trace {trace}: every call of a sampled trace");
        let dsc = &gateway_traces[trace]["trace"];
        assert_eq!(dsc["sample_rate"], "0.5");
        assert_eq!(dsc["sampled"], "true");
        for tx in txs {
            assert_eq!(&tx["trace"], dsc, "trace {trace}: the gateway's context");
        }
    }

    // Errors are sent whatever the trace's decision, and their context says which it was.
    let errors = web_events.of_type("event");
    assert_eq!(
        errors.len(),
        REQUESTS,
        "organisation 3 fails on every request"
    );
    for error in errors {
        let trace = trace_id(error);
        let expected = if gw_traces.contains(trace) {
            "true"
        } else {
            "false"
        };
        assert_eq!(error["trace"]["sampled"], expected, "{trace}");
        assert_eq!(error["trace"]["sample_rate"], "0.5");
        assert_eq!(error["trace"]["transaction"], "GET /api/v1/dashboard");
    }
}
