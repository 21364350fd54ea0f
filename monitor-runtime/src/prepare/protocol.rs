//! Fixes for what the SDK serialises but Sentry's event schema rejects (checked by Bugsink
//! in strict validation, `VALIDATE_ON_DIGEST = "strict"`):
//!
//! * a top-level `message` string (the SDK's `capture_message`, and error-level `tracing`
//!   events) is not in the schema: it becomes `logentry.message`, which Sentry shows as the
//!   event's message;
//! * user attributes beyond `id`, `username`, `email`, `ip_address`, `name`, `geo`, `segment`
//!   and `sentry_user` (the toolkit's `role`, or anything set through `sentry::User::other`)
//!   are not allowed on `user`: they move into `user.data`, which Sentry shows with the user.
//!
//! `transaction_info`, which the SDK's types cannot carry at all, is added while serialising
//! (`transport::wire`).

use sentry::protocol::{Event, LogEntry, User, Value};
use serde_json::Map;

/// User keys the schema allows besides the typed `id`, `username`, `email` and `ip_address`.
const USER_KEYS: [&str; 5] = ["data", "geo", "name", "segment", "sentry_user"];

/// Makes `event` valid under Sentry's event schema; see the module documentation.
pub(crate) fn fix_event(event: &mut Event<'static>) {
    if let Some(message) = event.message.take()
        && event.logentry.is_none()
    {
        // With both, `logentry` already holds the message (and its parameters).
        event.logentry = Some(LogEntry {
            message,
            params: Vec::new(),
        });
    }
    if let Some(user) = &mut event.user {
        fix_user(user);
    }
}

/// Moves the attributes `user` may not carry at its top level into `user.data`.
pub(crate) fn fix_user(user: &mut User) {
    if user
        .other
        .keys()
        .all(|key| USER_KEYS.contains(&key.as_str()))
    {
        return;
    }
    let mut moved = Map::new();
    user.other.retain(|key, value| {
        if USER_KEYS.contains(&key.as_str()) {
            true
        } else {
            moved.insert(key.clone(), std::mem::take(value));
            false
        }
    });
    match user.other.get_mut("data") {
        Some(Value::Object(data)) => {
            for (key, value) in moved {
                data.entry(key).or_insert(value);
            }
        }
        Some(other) => {
            // `data` must be an object; keep what was there under its own name.
            moved.insert("data".to_owned(), std::mem::take(other));
            *other = Value::Object(moved);
        }
        None => {
            user.other.insert("data".to_owned(), Value::Object(moved));
        }
    }
}

/// The message an event carries, wherever the SDK or [`fix_event`] put it.
#[cfg(any(test, feature = "testing"))]
pub(crate) fn message_of<'a>(event: &'a Event<'_>) -> Option<&'a str> {
    event
        .message
        .as_deref()
        .or(event.logentry.as_ref().map(|entry| entry.message.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_message_becomes_a_log_entry() {
        let mut event = Event {
            message: Some("Import completed: 98 success, 2 errors".into()),
            ..Event::default()
        };
        fix_event(&mut event);
        let json = serde_json::to_value(&event).unwrap();
        assert!(json.get("message").is_none());
        assert_eq!(
            json["logentry"],
            json!({ "message": "Import completed: 98 success, 2 errors" })
        );
        assert_eq!(
            message_of(&event),
            Some("Import completed: 98 success, 2 errors")
        );
    }

    #[test]
    fn unknown_user_keys_move_into_data() {
        let mut user = User {
            id: Some("1247".into()),
            ..User::default()
        };
        user.other.insert("role".into(), json!("admin"));
        user.other.insert("name".into(), json!("John"));
        user.other.insert("data".into(), json!({ "plan": "pro" }));
        fix_user(&mut user);
        assert_eq!(
            serde_json::to_value(&user).unwrap(),
            json!({ "id": "1247", "name": "John", "data": { "plan": "pro", "role": "admin" } })
        );

        let mut odd = User::default();
        odd.other.insert("role".into(), json!("user"));
        odd.other.insert("data".into(), json!("not an object"));
        fix_user(&mut odd);
        assert_eq!(
            serde_json::to_value(&odd).unwrap(),
            json!({ "data": { "role": "user", "data": "not an object" } })
        );
    }
}
