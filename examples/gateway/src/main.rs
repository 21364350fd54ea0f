//! The gateway: `cargo run -p gateway` (with the web service running: `cargo run -p
//! web-service`), then `curl localhost:3001/api/v1/dashboard -H 'Authorization: Bearer
//! admin-token'`. Without `SENTRY_DSN` it runs in local mode, like the web service.

use std::process::ExitCode;

use gateway::settings::Settings;
use gateway::upstream::WebService;
use gateway::{AppState, app};
use monitor_runtime::Config;

fn main() -> ExitCode {
    // First, before the async runtime starts its threads.
    let monitor = match Config::from_env()
        .and_then(|config| monitor_runtime::init!(app::declare_routes(config)))
    {
        Ok(monitor) => monitor,
        Err(error) => {
            eprintln!("gateway: invalid monitoring configuration:\n{error}");
            return ExitCode::FAILURE;
        }
    };
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            tracing::error!(%error, "invalid_settings");
            return ExitCode::FAILURE;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            tracing::error!(%error, "cannot_start_runtime");
            return ExitCode::FAILURE;
        }
    };
    let outcome = runtime.block_on(run(settings));
    drop(runtime);
    drop(monitor);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("gateway: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(settings: Settings) -> std::io::Result<()> {
    let state = AppState {
        web: WebService::new(&settings.web_service_url),
    };
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(
        addr = %addr,
        url = %format!("http://{addr}"),
        web_service = %settings.web_service_url,
        "listening"
    );
    axum::serve(listener, app(state))
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Completes on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => tracing::info!(signal = "SIGINT", "shutdown_requested"),
        () = terminate => tracing::info!(signal = "SIGTERM", "shutdown_requested"),
    }
}
