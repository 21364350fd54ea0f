//! The vocabulary configuration is written in: where variables are read from
//! ([`EnvSource`]), the log options ([`LogLevel`], [`LogFormat`]), the user hooks
//! ([`BeforeSend`], [`BeforeSendTransaction`]), the problems a bad value produces
//! ([`ConfigError`]), and the parsers of single values.
//!
//! A leaf: it names no other module of the crate. `config` builds a
//! [`Config`](crate::config::Config) from these pieces, and the modules a `Config` is made
//! of (`environment`, `sampling`, `filter`, `transport`) use them too without depending on
//! `config`. Users reach every public item here through `monitor_runtime::config`.

mod env;
mod error;
pub(crate) mod hooks;
mod log;
pub(crate) mod parse;

pub use self::env::{EnvSource, MapEnv, ProcessEnv};
pub(crate) use self::error::shorten;
pub use self::error::{ConfigError, ConfigProblem};
pub use self::hooks::{BeforeSend, BeforeSendTransaction};
pub use self::log::{LogFormat, LogLevel};
