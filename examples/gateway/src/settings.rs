//! The gateway's own settings, from the environment (the toolkit reads its `SENTRY_*`
//! variables itself).
//!
//! | Variable | Meaning | Default |
//! |---|---|---|
//! | `PORT` | TCP port on 127.0.0.1 (`0`: any free port, logged at start) | `3001` |
//! | `WEB_SERVICE_URL` | the web service's base URL, `http://` or `https://` | `http://127.0.0.1:3000` |

use std::net::{Ipv4Addr, SocketAddr};

/// The port used when `PORT` is unset.
pub const DEFAULT_PORT: u16 = 3001;

/// The web service used when `WEB_SERVICE_URL` is unset: `cargo run -p web-service`.
pub const DEFAULT_WEB_SERVICE_URL: &str = "http://127.0.0.1:3000";

/// Where to listen and where the web service is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The listening address: 127.0.0.1 and `PORT`.
    pub addr: SocketAddr,
    /// The web service's base URL, without a trailing `/`.
    pub web_service_url: String,
}

/// A variable with a value the gateway cannot use.
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
    /// use gateway::settings::Settings;
    ///
    /// let s = Settings::from_vars(|name| (name == "WEB_SERVICE_URL").then(|| "http://crm:8080/".to_owned())).unwrap();
    /// assert_eq!(s.web_service_url, "http://crm:8080");
    /// assert_eq!(s.addr.port(), 3001);
    /// assert!(Settings::from_vars(|name| (name == "WEB_SERVICE_URL").then(|| "crm:8080".to_owned())).is_err());
    /// ```
    pub fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Settings, SettingsError> {
        let non_empty = |name| {
            var(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let port = match non_empty("PORT") {
            Some(port) => port.parse().map_err(|_| SettingsError {
                name: "PORT",
                value: port,
                expected: "a port number from 0 to 65535",
            })?,
            None => DEFAULT_PORT,
        };
        let url = non_empty("WEB_SERVICE_URL").unwrap_or_else(|| DEFAULT_WEB_SERVICE_URL.into());
        if !(url.starts_with("http://") || url.starts_with("https://"))
            || reqwest::Url::parse(&url).is_err()
        {
            return Err(SettingsError {
                name: "WEB_SERVICE_URL",
                value: url,
                expected: "an http:// or https:// URL (for example http://127.0.0.1:3000)",
            });
        }
        Ok(Settings {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, port)),
            web_service_url: url.trim_end_matches('/').to_owned(),
        })
    }
}
