//! The service's own settings, from the environment (the toolkit reads its `SENTRY_*`
//! variables itself).
//!
//! | Variable | Meaning | Default |
//! |---|---|---|
//! | `PORT` | TCP port on 127.0.0.1 (`0`: any free port, logged at start) | `3000` |
//! | `DATABASE_URL` | a sqlx URL: `sqlite:`, `postgres:` or `mysql:` | `sqlite:web-service.db?mode=rwc` |

use std::net::{Ipv4Addr, SocketAddr};

/// The database used when `DATABASE_URL` is unset: a SQLite file in the working
/// directory, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite:web-service.db?mode=rwc";

/// The port used when `PORT` is unset.
pub const DEFAULT_PORT: u16 = 3000;

/// Where to listen and which database to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The listening address: 127.0.0.1 and `PORT`.
    pub addr: SocketAddr,
    /// The sqlx database URL.
    pub database_url: String,
}

/// A variable with a value the service cannot use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name}={value:?} is invalid: expected {expected}")]
pub struct SettingsError {
    /// The variable.
    pub name: &'static str,
    /// Its value.
    pub value: String,
    /// What is accepted.
    pub expected: &'static str,
}

impl Settings {
    /// Reads the process environment.
    pub fn from_env() -> Result<Settings, SettingsError> {
        Settings::from_vars(|name| std::env::var(name).ok())
    }

    /// Reads variables through `var` (tests pass a map).
    ///
    /// ```
    /// use web_service::settings::Settings;
    ///
    /// let s = Settings::from_vars(|name| (name == "PORT").then(|| "8080".to_owned())).unwrap();
    /// assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
    /// assert!(Settings::from_vars(|_| Some("http".to_owned())).is_err());
    /// ```
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let port = match var("PORT")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty())
        {
            None => DEFAULT_PORT,
            Some(value) => value.parse::<u16>().map_err(|_| SettingsError {
                name: "PORT",
                value,
                expected: "a TCP port number, 0 to 65535",
            })?,
        };
        let database_url = var("DATABASE_URL")
            .map(|u| u.trim().to_owned())
            .filter(|u| !u.is_empty())
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        Ok(Settings {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            database_url,
        })
    }
}
