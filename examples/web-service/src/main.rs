//! The web service: `cargo run -p web-service`, then `curl localhost:3000/api/v1/me -H
//! 'Authorization: Bearer admin-token'`. See the crate documentation for the routes.
//!
//! Without `SENTRY_DSN` it runs in local mode: every event and transaction is printed on
//! stderr as it happens. With one, the same binary reports to Sentry (or any compatible
//! server).

use std::process::ExitCode;

use monitor_runtime::Config;
use web_service::alert_rules::{AlertSettings, alert_rules};
use web_service::settings::Settings;
use web_service::{AppState, app, db, server, telemetry};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("alert-rules") {
        return print_alert_rules(&args[1..]);
    }
    // First, before the async runtime starts threads (they take their Sentry hub from the
    // main one). It also installs the structured logs (JSON in production, readable in
    // development, with the trace of the current span), and declares the route templates
    // so `SENTRY_TRACES_SAMPLER` rules can name routes. The guard flushes Sentry when
    // dropped, at the end of `main`.
    let monitor = match Config::from_env()
        .and_then(|config| monitor_runtime::init!(telemetry::declare_routes(config)))
    {
        Ok(monitor) => monitor,
        Err(error) => {
            eprintln!("web-service: invalid monitoring configuration:\n{error}");
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

    tracing::info!("flushing_sentry");
    drop(monitor);
    match outcome {
        Ok(()) => {
            tracing::info!("stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(%error, "stopped_on_error");
            ExitCode::FAILURE
        }
    }
}

/// `web-service alert-rules [--project SLUG] [--environment NAME] [--window MINUTES]`:
/// the Sentry alert rules derived from the routes' objectives, as JSON on stdout.
fn print_alert_rules(args: &[String]) -> ExitCode {
    let mut settings = AlertSettings::new("web-service");
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args.next();
        match (flag.as_str(), value) {
            ("--project", Some(project)) => settings.projects = vec![project.clone()],
            ("--environment", Some(environment)) => {
                settings.environment = Some(environment.clone());
            }
            ("--window", Some(minutes)) if minutes.parse::<u32>().is_ok_and(|m| m > 0) => {
                settings.window_minutes = minutes.parse().unwrap_or(60);
            }
            _ => {
                eprintln!(
                    "usage: web-service alert-rules [--project SLUG] [--environment NAME] \
                     [--window MINUTES]"
                );
                return ExitCode::FAILURE;
            }
        }
    }
    match alert_rules(&monitor_runtime::registry::objectives(), &settings) {
        Ok(rules) => {
            println!("{rules:#}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("web-service: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run(settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    let database = db::redact_url(&settings.database_url);
    let state = AppState::connect(&settings.database_url).await?;
    tracing::info!(database = %database, system = state.db.backend().system(), "database_ready");
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    let addr = listener.local_addr()?;
    tracing::info!(addr = %addr, url = %format!("http://{addr}"), "listening");
    let db = state.db.clone();
    server::serve(listener, app(state), server::shutdown_signal()).await?;
    db.close().await;
    Ok(())
}
