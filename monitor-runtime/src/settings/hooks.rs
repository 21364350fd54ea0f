//! Callbacks a [`Config`](crate::config::Config) carries into the client.

use std::fmt;
use std::sync::Arc;

use sentry::protocol::{Event, Transaction};

/// A user hook run on every event; see [`Config::before_send`](crate::config::Config::before_send).
pub type BeforeSend = Arc<dyn Fn(Event<'static>) -> Option<Event<'static>> + Send + Sync>;

/// A user hook run on every transaction; see
/// [`Config::before_send_transaction`](crate::config::Config::before_send_transaction).
pub type BeforeSendTransaction =
    Arc<dyn Fn(Transaction<'static>) -> Option<Transaction<'static>> + Send + Sync>;

/// The hooks set on a configuration.
#[derive(Clone, Default)]
pub(crate) struct Hooks {
    pub(crate) before_send: Option<BeforeSend>,
    pub(crate) before_send_transaction: Option<BeforeSendTransaction>,
}

impl fmt::Debug for Hooks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Hooks")
            .field("before_send", &self.before_send.as_ref().map(|_| "<fn>"))
            .field(
                "before_send_transaction",
                &self.before_send_transaction.as_ref().map(|_| "<fn>"),
            )
            .finish()
    }
}
