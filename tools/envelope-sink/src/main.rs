//! `envelope-sink`: a Sentry-protocol sink on 127.0.0.1 that counts what it receives.
//!
//! ```text
//! envelope-sink [--port PORT] [--latency-ms MS] [--threads N]
//! ```
//!
//! * `--port PORT`: the port to listen on (default 0: any free port). The first line on
//!   stdout is `listening on http://127.0.0.1:<port>`, so a script can start it on port 0
//!   and read the port back.
//! * `--latency-ms MS`: wait this long before answering each envelope (default 0), to play a
//!   slow server.
//! * `--threads N`: worker threads of its runtime (default 2).
//!
//! It only ever binds the loopback interface. Routes:
//!
//! | route | what it does |
//! |---|---|
//! | `POST /api/<project>/envelope/` (with or without the final `/`) | counts the envelope and its items, answers `200 {}` |
//! | `POST /stream` | the same, as Spotlight's ingest path |
//! | `GET /stats` | the counts as JSON (below) |
//! | `POST /reset` | sets every count back to zero |
//! | `GET /health` | `ok` |
//!
//! `GET /stats` answers:
//!
//! ```json
//! { "envelopes": 2000, "items": 2000, "bytes": 1843200, "malformed": 0,
//!   "items_by_type": { "event": 2000 },
//!   "first_envelope_ms": 1764770000123, "last_envelope_ms": 1764770000523 }
//! ```
//!
//! `first_envelope_ms` and `last_envelope_ms` are the arrival times (milliseconds since the
//! Unix epoch) of the first and the latest envelope since start or reset, so a benchmark can
//! compute the rate it was fed at. A body that is not an envelope is answered `400` and
//! counted as `malformed`.

mod count;
mod options;

use std::net::{Ipv4Addr, SocketAddr};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json};
use axum::routing::{get, post};

use crate::count::Counts;
use crate::options::Options;

struct Sink {
    counts: Counts,
    latency: Duration,
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("envelope-sink: {message}\n\n{}", options::USAGE);
            return ExitCode::from(2);
        }
    };
    if options.help {
        println!("{}", options::USAGE);
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(options.threads)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("envelope-sink: cannot start the runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(serve(options)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("envelope-sink: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(options: Options) -> std::io::Result<()> {
    let sink = Arc::new(Sink {
        counts: Counts::default(),
        latency: options.latency,
    });
    let app = Router::new()
        .route("/api/{project}/envelope/", post(envelope))
        .route("/api/{project}/envelope", post(envelope))
        .route("/stream", post(envelope))
        .route("/stats", get(stats))
        .route("/reset", post(reset))
        .route("/health", get(|| async { "ok" }))
        .with_state(sink);
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, options.port)))
            .await?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

async fn envelope(State(sink): State<Arc<Sink>>, body: Bytes) -> impl IntoResponse {
    if !sink.latency.is_zero() {
        tokio::time::sleep(sink.latency).await;
    }
    match sink.counts.record(&body) {
        Ok(()) => (StatusCode::OK, "{}"),
        Err(()) => (StatusCode::BAD_REQUEST, r#"{"detail":"not an envelope"}"#),
    }
}

async fn stats(State(sink): State<Arc<Sink>>) -> Json<serde_json::Value> {
    Json(sink.counts.snapshot())
}

async fn reset(State(sink): State<Arc<Sink>>) -> StatusCode {
    sink.counts.reset();
    StatusCode::NO_CONTENT
}
