//! Context that later events carry: the user, tags, contexts and breadcrumbs.
//!
//! These write to the current hub's scope, which is the request's own under
//! `sentry-tower`, the task's own under [`spawn`](crate::spawn), and the thread's otherwise.
//! They take the hub's lock only briefly and never while the SDK holds it, so they are safe
//! to call from the toolkit's hooks.

use std::collections::BTreeMap;
use std::net::IpAddr;

use sentry::protocol::{Breadcrumb, Context, IpAddress, Map, Value};
use sentry::{Hub, Level};

/// Who is making the request: what [`set_user`] records on the scope.
///
/// Email and IP address are sent only when `SENTRY_SEND_DEFAULT_PII` is true; the
/// privacy scrubber removes them otherwise.
///
/// ```
/// use monitor_runtime::{set_user, User};
///
/// set_user(User::new("1247").username("john").email("john@example.com").role("admin"));
/// ```
///
/// Build it with [`User::new`] (or `User::default()` for an anonymous user) and the setters:
/// the fields are public to read, and more may come.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct User {
    /// A stable identifier.
    pub id: Option<String>,
    /// The login name.
    pub username: Option<String>,
    /// The email address (PII).
    pub email: Option<String>,
    /// The role, such as `admin` or `user`; also set as the `user_role` tag.
    pub role: Option<String>,
    /// The client's IP address (PII). Ignored when it does not parse.
    pub ip_address: Option<String>,
}

impl User {
    /// A user with this identifier.
    pub fn new(id: impl Into<String>) -> Self {
        User {
            id: Some(id.into()),
            ..User::default()
        }
    }

    /// Sets the login name.
    pub fn username(mut self, username: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self
    }

    /// Sets the email address.
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    /// Sets the role.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// Sets the client's IP address.
    pub fn ip_address(mut self, ip: impl Into<String>) -> Self {
        self.ip_address = Some(ip.into());
        self
    }

    fn into_sentry(self) -> sentry::User {
        let mut other = Map::new();
        if let Some(role) = &self.role {
            other.insert("role".to_owned(), Value::from(role.as_str()));
        }
        // Spelled out so that a field the SDK adds later still compiles.
        #[allow(clippy::needless_update)]
        sentry::User {
            id: self.id,
            username: self.username,
            email: self.email,
            ip_address: self
                .ip_address
                .and_then(|ip| ip.parse::<IpAddr>().ok())
                .map(IpAddress::Exact),
            other,
            ..sentry::User::default()
        }
    }
}

/// Sets the user on the current scope, with the tags `authenticated=true` and
/// `user_role=<role>` (`none` without a role).
pub fn set_user(user: User) {
    let role = user.role.clone().unwrap_or_else(|| "none".to_owned());
    let user = user.into_sentry();
    Hub::current().configure_scope(|scope| {
        scope.set_user(Some(user));
        scope.set_tag("authenticated", "true");
        scope.set_tag("user_role", role);
    });
}

/// Removes the user from the current scope and sets `authenticated=false`.
///
/// ```
/// monitor_runtime::clear_user();
/// ```
pub fn clear_user() {
    Hub::current().configure_scope(|scope| {
        scope.set_user(None);
        scope.set_tag("authenticated", "false");
        scope.remove_tag("user_role");
    });
}

/// Sets a tag on the current scope: every later event and transaction of this scope
/// carries it.
///
/// ```
/// monitor_runtime::set_tag("tenant", "acme");
/// ```
pub fn set_tag(key: &str, value: impl ToString) {
    let value = value.to_string();
    Hub::current().configure_scope(|scope| scope.set_tag(key, value));
}

/// Sets a named context (a group of key/value pairs shown on the event) on the current
/// scope. Values that do not serialise to a JSON object are stored under `value`.
///
/// ```
/// use serde_json::json;
/// monitor_runtime::set_context("quiz", json!({ "id": 89, "total_questions": 0 }));
/// ```
pub fn set_context(key: &str, value: impl serde::Serialize) {
    let map = match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map.into_iter().collect::<BTreeMap<_, _>>(),
        Ok(other) => BTreeMap::from([("value".to_owned(), other)]),
        Err(e) => BTreeMap::from([(
            "value".to_owned(),
            Value::String(format!("<unserialisable: {e}>")),
        )]),
    };
    Hub::current().configure_scope(|scope| scope.set_context(key, Context::Other(map)));
}

/// Leaves a breadcrumb on the current scope: a later event of this request or task shows
/// it. Built only when a client is enabled.
///
/// ```
/// use serde_json::json;
/// monitor_runtime::add_breadcrumb("import", "validating file", &[("rows", json!(100))]);
/// ```
pub fn add_breadcrumb(category: &str, message: impl Into<String>, data: &[(&str, Value)]) {
    let hub = Hub::current();
    if hub.client().is_none() {
        return;
    }
    hub.add_breadcrumb(Breadcrumb {
        category: Some(category.to_owned()),
        message: Some(message.into()),
        level: Level::Info,
        data: data
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        ..Breadcrumb::default()
    });
}
