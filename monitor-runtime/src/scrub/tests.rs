use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr};
use std::time::SystemTime;

use sentry::Envelope;
use sentry::protocol::{
    Attachment, Breadcrumb, Context, Event, Exception, LogAttribute, LogEntry, LogLevel, Map,
    Mechanism, Metric, MetricType, MonitorCheckIn, MonitorCheckInStatus, Request,
    SessionAttributes, SessionStatus, SessionUpdate, Span, TraceContext, Transaction, User, Uuid,
    Value,
};
use serde_json::json;

use super::{Scrubber, redact_url_credentials};

fn scrubber() -> Scrubber {
    Scrubber::new(false)
}

fn assert_clean(json: &str, secrets: &[&str], kept: &[&str]) {
    for secret in secrets {
        assert!(
            !json.contains(secret),
            "secret {secret:?} survived in {json}"
        );
    }
    for neighbour in kept {
        assert!(
            json.contains(neighbour),
            "neighbour {neighbour:?} was lost in {json}"
        );
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|e| panic!("serialisation failed: {e}"))
}

fn string_map(pairs: &[(&str, &str)]) -> Map<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn value_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m.into_iter().collect(),
        other => panic!("expected an object, got {other}"),
    }
}

fn attrs(v: Value) -> Map<String, LogAttribute> {
    value_map(v)
        .into_iter()
        .map(|(k, v)| (k, LogAttribute(v)))
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Keys

#[test]
fn sensitive_keys_match() {
    let s = scrubber();
    for key in [
        "password",
        "PASSWORD",
        "passwd",
        "user_password",
        "db.password",
        "secret",
        "client_secret",
        "AWS_SECRET_ACCESS_KEY",
        "token",
        "access_token",
        "refresh_token",
        "x-auth-token",
        "X-Api-Key",
        "apiKey",
        "API_KEY",
        "api-key",
        "api.key",
        "api key",
        "apikey",
        "authorization",
        "Proxy-Authorization",
        "cookie",
        "Set-Cookie",
        "cookies",
        "session",
        "sessionid",
        "session_id",
        "csrf",
        "csrftoken",
        "X-CSRF-Token",
        "X-XSRF-TOKEN",
        "private_key",
        "privateKey",
        "credentials",
        "passphrase",
        "auth",
        "basic_auth",
        "mysql_pwd",
        "my_secret_input_tokens",
        "user[password]",
        // Sentry's EventScrubber denylist (Python SDK), exactly as it spells the keys.
        "api_key",
        "mysql_pwd",
        "x_csrftoken",
        "x_forwarded_for",
        "set_cookie",
        "x_api_key",
        "aiohttp_session",
        "connect.sid",
        "csrf_token",
        "_csrf",
        "_csrf_token",
        "PHPSESSID",
        "_session",
        "symfony",
        "user_session",
        "_xsrf",
        "XSRF-TOKEN",
        // Keys ending in pass, pwd, secret, token.
        "smtp_pass",
        "SMTP_PASS",
        "smtpPass",
        "smtppass",
        "db_pwd",
        "webhook_secret",
        "slackToken",
        // Signing, access, secret and private keys.
        "signing_key",
        "signingKey",
        "access_key",
        "aws_access_key_id",
        "secret_key",
        "Private-Key",
        "encryption_key",
        "master_key",
        // Signatures, credentials, auth*.
        "X-Amz-Signature",
        "X-Signature",
        "X-Hub-Signature-256",
        "signatures",
        "sig",
        "credential",
        "auth_token",
        "authToken",
        "auth-code",
        "authentication",
        "AuthKey",
        "HTTPAuth",
        "oauth",
        // Card verification codes and pass codes.
        "card_cvv",
        "cvc",
        "passcode",
    ] {
        assert!(s.is_sensitive_key(key), "{key:?} should be sensitive");
    }
}

#[test]
fn harmless_keys_do_not_match() {
    let s = scrubber();
    for key in [
        "",
        "page",
        "id",
        "user.id",
        "user.email",
        "username",
        "url",
        "http.method",
        "db.statement",
        "author",
        "authority",
        "oauth_provider",
        "token_count",
        "tokens_count",
        "max_tokens",
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.total_tokens",
        "gen_ai.usage.input_tokens.cached",
        "gen_ai.request.max_tokens",
        "tokenizer",
        "session_count",
        "release",
        "ключ",
        "🔑",
        // Ordinary keys that contain "key", "pass", "auth" or "sig" without naming a secret.
        "key",
        "key_id",
        "keyId",
        "primary_key",
        "cache_key",
        "public_key",
        "monkey",
        "keyboard",
        "author_name",
        "authorName",
        "authenticated",
        "is_authenticated",
        "authorized",
        "bypass",
        "cache_bypass",
        "cacheBypass",
        "compass",
        "passenger",
        "design",
        "signal",
        "assignee",
        "sign_in_count",
        "access_level",
        "accessed_at",
        "symfony_version",
    ] {
        assert!(!s.is_sensitive_key(key), "{key:?} should not be sensitive");
    }
}

#[test]
fn extra_keys_extend_the_stems() {
    let s = Scrubber::new(false).with_extra_keys(["IBAN", "card-number", "", "-_."]);
    assert!(s.is_sensitive_key("iban"));
    assert!(s.is_sensitive_key("customer_iban"));
    assert!(s.is_sensitive_key("CardNumber"));
    // Empty stems (also after normalisation) must not make every key sensitive.
    assert!(!s.is_sensitive_key("page"));
    assert!(!Scrubber::new(false).is_sensitive_key("iban"));
}

#[test]
fn long_keys_are_normalised_on_the_heap() {
    let s = scrubber();
    let long = format!("{}_password", "x".repeat(200));
    assert!(s.is_sensitive_key(&long));
    assert!(!s.is_sensitive_key(&"x".repeat(200)));
    let long_non_ascii = format!("{}token", "é".repeat(40));
    assert!(s.is_sensitive_key(&long_non_ascii));
}

// ---------------------------------------------------------------------------------------------
// Strings

const STRING_CASES: &[(&str, &str)] = &[
    // URL credentials
    (
        "postgres://user:pass@host/db",
        "postgres://user:[Filtered]@host/db",
    ),
    ("https://:token@host", "https://:[Filtered]@host"),
    (
        "redis://:p4ss@cache:6379/0",
        "redis://:[Filtered]@cache:6379/0",
    ),
    (
        "mysql://root:hunter2@db.internal:3306/app",
        "mysql://root:[Filtered]@db.internal:3306/app",
    ),
    (
        "postgres://u:pw@[::1]:5432/db",
        "postgres://u:[Filtered]@[::1]:5432/db",
    ),
    (
        "amqp://guest:gu%40st@[2001:db8::1]/vhost",
        "amqp://guest:[Filtered]@[2001:db8::1]/vhost",
    ),
    ("http://[2001:db8::1]:8080/x", "http://[2001:db8::1]:8080/x"),
    ("https://example.com/path", "https://example.com/path"),
    (
        "https://public@o1.ingest.sentry.io/1",
        "https://public@o1.ingest.sentry.io/1",
    ),
    (
        "https://example.com/users/bob@example.com",
        "https://example.com/users/bob@example.com",
    ),
    (
        "https://example.com/?email=bob@example.com",
        "https://example.com/?email=bob@example.com",
    ),
    ("ftp://u:p@ss@host/", "ftp://u:[Filtered]@host/"),
    (
        "primary postgres://a:one@h1/db, replica postgres://b:two@h2/db",
        "primary postgres://a:[Filtered]@h1/db, replica postgres://b:[Filtered]@h2/db",
    ),
    (
        "connect to 'redis://:pw@cache'",
        "connect to 'redis://:[Filtered]@cache'",
    ),
    (
        "ошибка: postgres://пользователь:пароль@хост/бд ✓",
        "ошибка: postgres://пользователь:[Filtered]@хост/бд ✓",
    ),
    ("mailto:bob@example.com", "mailto:bob@example.com"),
    // Auth schemes
    (
        "sent Bearer abc.def.ghi to upstream",
        "sent Bearer [Filtered] to upstream",
    ),
    ("bearer eyJhbGciOiJIUzI1NiJ9.e30.c2ln", "bearer [Filtered]"),
    ("BEARER abc123", "BEARER [Filtered]"),
    ("the bearer of bad news", "the bearer of bad news"),
    ("got Basic dXNlcjpwYXNz back", "got Basic [Filtered] back"),
    ("a basic example", "a basic example"),
    ("Basic information", "Basic information"),
    ("basic idea", "basic idea"),
    // key=value pairs
    (
        "GET /search?token=abc&page=2",
        "GET /search?token=[Filtered]&page=2",
    ),
    ("token=abc&page=2", "token=[Filtered]&page=2"),
    ("password: hunter2", "password: [Filtered]"),
    (
        "login failed: password=hunter2 user=bob",
        "login failed: password=[Filtered] user=bob",
    ),
    (
        r#"{"password":"hunter2","page":2}"#,
        r#"{"password":"[Filtered]","page":2}"#,
    ),
    (
        r#"{"password": "hun\"ter2", "page": 2}"#,
        r#"{"password": "[Filtered]", "page": 2}"#,
    ),
    (
        "client_secret = 'abc def' and more",
        "client_secret = '[Filtered]' and more",
    ),
    (
        "'api_key' => 'k123', 'page' => 2",
        "'api_key' => '[Filtered]', 'page' => 2",
    ),
    (
        "Cookie: sessionid=abc; theme=dark\nnext line",
        "Cookie: [Filtered]\nnext line",
    ),
    ("Authorization: Bearer abc.def", "Authorization: [Filtered]"),
    (
        "token: Bearer abc.def.ghi, page=2",
        "token: [Filtered], page=2",
    ),
    ("x-auth-token: abc", "x-auth-token: [Filtered]"),
    (
        "--password=hunter2 --verbose",
        "--password=[Filtered] --verbose",
    ),
    (
        "user[password]=x&user[name]=bob",
        "user[password]=[Filtered]&user[name]=bob",
    ),
    ("🔑 token=abc 🔑", "🔑 token=[Filtered] 🔑"),
    ("token=ключ page=2", "token=[Filtered] page=2"),
    // SQL keeps placeholders so descriptions stay groupable, but loses literals.
    (
        "SELECT * FROM users WHERE token = $1",
        "SELECT * FROM users WHERE token = $1",
    ),
    (
        "SELECT * FROM users WHERE token = ?",
        "SELECT * FROM users WHERE token = ?",
    ),
    (
        "UPDATE users SET password = :pw",
        "UPDATE users SET password = :pw",
    ),
    (
        "UPDATE users SET password = 'hunter2' WHERE id = 7",
        "UPDATE users SET password = '[Filtered]' WHERE id = 7",
    ),
    ("WHERE password != 'x'", "WHERE password != 'x'"),
    // Not pairs
    ("auth::token::refresh failed", "auth::token::refresh failed"),
    (
        "token_count=42 max_tokens=100",
        "token_count=42 max_tokens=100",
    ),
    (
        "at 12:30 the session started",
        "at 12:30 the session started",
    ),
    ("template password: {} ok", "template password: {} ok"),
    ("password:", "password:"),
    ("password=", "password="),
    // Degenerate input
    ("", ""),
    ("=", "="),
    (":", ":"),
    ("://", "://"),
    ("a://@", "a://@"),
    ("http://:@", "http://:@"),
    ("Bearer", "Bearer"),
    ("Bearer ", "Bearer "),
    ("token='unterminated", "token='[Filtered]"),
    // More sensitive keys in free text.
    (
        "X-Amz-Credential=AKID%2F2024&X-Amz-Signature=fe5f80f77d5fa3be&X-Amz-Date=20240101",
        "X-Amz-Credential=[Filtered]&X-Amz-Signature=[Filtered]&X-Amz-Date=20240101",
    ),
    (
        "smtp_pass=hunter2 host=mail",
        "smtp_pass=[Filtered] host=mail",
    ),
    (
        "signing_key: k-123, alg: HS256",
        "signing_key: [Filtered], alg: HS256",
    ),
    (
        r#"{\"password\":\"hunter2\",\"page\":2}"#,
        r#"{\"password\":\"[Filtered]\",\"page\":2}"#,
    ),
    (
        "author: Alice, authenticated=true",
        "author: Alice, authenticated=true",
    ),
    // URL credentials of any scheme.
    (
        "smtp://mailer:m41l-pw@smtp.example.com:587",
        "smtp://mailer:[Filtered]@smtp.example.com:587",
    ),
    (
        "mongodb+srv://app:m0ng0@cluster0.example.net/db",
        "mongodb+srv://app:[Filtered]@cluster0.example.net/db",
    ),
    // JWTs, whatever the key.
    (
        "id_token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0In0.dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk expired",
        "id_token [Filtered] expired",
    ),
    ("jwt=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "jwt=[Filtered]"),
    ("eyJ is how JSON starts", "eyJ is how JSON starts"),
    ("keyJar.eyJabc", "keyJar.eyJabc"),
    // Payment cards: 13 to 19 digits, spaces or dashes, Luhn-valid, network digit 2 to 6.
    (
        "card 4111 1111 1111 1111 declined",
        "card [Filtered] declined",
    ),
    ("card 4111-1111-1111-1111.", "card [Filtered]."),
    ("pan=5555555555554444&x=1", "pan=[Filtered]&x=1"),
    ("amex 3782 822463 10005 ok", "amex [Filtered] ok"),
    ("visa13 4222222222222 ok", "visa13 [Filtered] ok"),
    (
        "19 digits 6011000990139424009 ok",
        "19 digits [Filtered] ok",
    ),
    ("4111 1111 1111 1111 12 items", "[Filtered] 12 items"),
    ("/cards/4111111111111111/charge", "/cards/[Filtered]/charge"),
    (
        "4111 1111 1111 1112 fails Luhn",
        "4111 1111 1111 1112 fails Luhn",
    ),
    (
        "at 1732280000008 ms (Luhn-valid, network digit 1)",
        "at 1732280000008 ms (Luhn-valid, network digit 1)",
    ),
    (
        "id 41111111111111111115 is too long",
        "id 41111111111111111115 is too long",
    ),
    ("2024-01-15 10:30:00.123", "2024-01-15 10:30:00.123"),
    ("call +49301234567894", "call +49301234567894"),
    ("v4111111111111111", "v4111111111111111"),
    ("4111-1111 1111-1111", "4111-1111 1111-1111"),
    // Provider keys.
    (
        "key sk_live_4eC39HqLyjWDarjtT1zdp7dc set",
        "key [Filtered] set",
    ),
    ("rk_live_51H8abcdefghijKLMNOP", "[Filtered]"),
    ("sk_live_short", "sk_live_short"),
    ("AKIAIOSFODNN7EXAMPLE in use", "[Filtered] in use"),
    ("ASIAY34FZKBOKMUTVV7A", "[Filtered]"),
    ("AKIAIOSFODNN7EXAMPLEX", "AKIAIOSFODNN7EXAMPLEX"),
    (
        "push with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed",
        "push with [Filtered] failed",
    ),
    (
        "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        "[Filtered]",
    ),
    ("ghp_short", "ghp_short"),
    (
        "slack xoxb-123456789012-1234567890123-AbCdEfGhIjKl!",
        "slack [Filtered]!",
    ),
    ("xoxo and hugs", "xoxo and hugs"),
    (
        "maps?key=AIzaSyA-1234567890abcdefghijklmnopqrstu&q=x",
        "maps?key=[Filtered]&q=x",
    ),
];

#[test]
fn strings_are_scrubbed() {
    let s = scrubber();
    for (input, expected) in STRING_CASES {
        assert_eq!(s.scrub_str(input), *expected, "input: {input:?}");
    }
}

#[test]
fn clean_strings_are_borrowed() {
    let s = scrubber();
    for input in [
        "",
        "GET /users/42 took 31ms",
        "https://example.com/a?page=2#top",
        "ошибка в модуле: ничего секретного",
        "auth::session::refresh",
        "user=bob page=2",
        "SELECT * FROM t WHERE token = $1",
        "postgres://user:[Filtered]@host/db",
        "token=[Filtered]&page=2",
    ] {
        assert!(
            matches!(s.scrub_str(input), Cow::Borrowed(_)),
            "{input:?} was copied"
        );
    }
}

#[test]
fn long_runs_before_separators_are_handled() {
    let s = scrubber();
    let blob = format!("payload {}== end", "QUJD".repeat(40));
    assert!(matches!(s.scrub_str(&blob), Cow::Borrowed(_)));
    let long_key = format!("{}_password=hunter2 page=2", "x".repeat(100));
    assert_eq!(
        s.scrub_str(&long_key),
        format!("{}_password=[Filtered] page=2", "x".repeat(100))
    );
}

#[test]
fn redact_url_credentials_only_touches_urls() {
    assert_eq!(
        redact_url_credentials("https://public:secret@o1.ingest.sentry.io/42"),
        "https://public:[Filtered]@o1.ingest.sentry.io/42"
    );
    assert_eq!(redact_url_credentials("token=abc"), "token=abc");
    assert!(matches!(
        redact_url_credentials("https://public@host/1"),
        Cow::Borrowed(_)
    ));
}

/// Deterministic pseudo-random strings over an alphabet of delimiters, stems and multi-byte
/// characters: no input may panic, and scrubbing must be idempotent.
#[test]
fn arbitrary_strings_never_panic_and_are_idempotent() {
    const PIECES: &[&str] = &[
        "://",
        "@",
        ":",
        "=",
        "&",
        "?",
        "/",
        " ",
        "\n",
        "'",
        "\"",
        "\\",
        "[",
        "]",
        "{",
        "}",
        "password",
        "token",
        "Bearer ",
        "Basic ",
        "dXNlcjpwYXNz",
        "abc",
        "é",
        "ключ",
        "🔑",
        "[Filtered]",
        "::",
        "=>",
        "$1",
        "\t",
        "#",
        "%",
    ];
    let s = Scrubber::new(false).with_extra_keys(["ключ"]);
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..3000 {
        let mut input = String::new();
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let len = (seed % 12) as usize;
        for _ in 0..len {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            input.push_str(PIECES[(seed % PIECES.len() as u64) as usize]);
        }
        let once = s.scrub_str(&input).into_owned();
        let twice = s.scrub_str(&once).into_owned();
        assert_eq!(once, twice, "not idempotent for {input:?}");
        s.is_sensitive_key(&input);
        let _ = redact_url_credentials(&input);
    }
}

#[test]
fn every_substring_of_multibyte_text_is_safe() {
    let s = scrubber();
    let text = "é🔑 postgres://ü:пароль@хост/бд?token=ключ&page=2 Bearer ж.ж.ж password: 密码";
    let bounds: Vec<usize> = (0..=text.len())
        .filter(|&i| text.is_char_boundary(i))
        .collect();
    for &a in &bounds {
        for &b in bounds.iter().filter(|&&b| b >= a) {
            let _ = s.scrub_str(&text[a..b]);
        }
    }
}

#[test]
fn scrubbing_is_idempotent() {
    let s = scrubber();
    for (input, _) in STRING_CASES {
        let once = s.scrub_str(input).into_owned();
        assert_eq!(s.scrub_str(&once), once, "input: {input:?}");
    }

    let mut value = json!({
        "password": {"nested": true},
        "list": ["token=a&b=2", "Bearer abc.def"],
        "url": "https://u:p@h/x?api_key=1",
        "email": "a@b.c",
    });
    s.scrub_value(&mut value);
    let once = value.clone();
    s.scrub_value(&mut value);
    assert_eq!(value, once);

    let mut event = planted_event();
    s.scrub_event(&mut event);
    let once = to_json(&event);
    s.scrub_event(&mut event);
    assert_eq!(to_json(&event), once);

    let mut tx = planted_transaction();
    s.scrub_transaction(&mut tx);
    let once = to_json(&tx);
    s.scrub_transaction(&mut tx);
    assert_eq!(to_json(&tx), once);
}

// ---------------------------------------------------------------------------------------------
// JSON values

#[test]
fn values_are_scrubbed_by_key_and_content() {
    let mut v = json!({
        "password": {"a": 1, "b": [1, 2]},
        "tokens": ["t1", "t2"],
        "secret": null,
        "config": {"db": {"passwd": "p", "host": "db"}, "dsn": "postgres://a:pw@db/x"},
        "items": [{"api_key": "k"}, "Bearer abc.def.ghi", 3, true],
        "gen_ai.usage.input_tokens": 120,
        "page": 2,
        "user": {"id": "42", "email": "bob@example.com", "ip_address": "1.2.3.4"},
    });
    scrubber().scrub_value(&mut v);
    assert_eq!(
        v,
        json!({
            "password": "[Filtered]",
            "tokens": "[Filtered]",
            "secret": null,
            "config": {"db": {"passwd": "[Filtered]", "host": "db"}, "dsn": "postgres://a:[Filtered]@db/x"},
            "items": [{"api_key": "[Filtered]"}, "Bearer [Filtered]", 3, true],
            "gen_ai.usage.input_tokens": 120,
            "page": 2,
            "user": {"id": "42"},
        })
    );
}

#[test]
fn pathological_nesting_is_bounded() {
    let mut v = json!("password=deep");
    for _ in 0..300 {
        v = json!([v]);
    }
    scrubber().scrub_value(&mut v);
    let json = to_json(&v);
    assert!(!json.contains("deep"));
    assert!(json.contains("[Filtered]"));
}

// ---------------------------------------------------------------------------------------------
// Protocol types

const EVENT_SECRETS: &[&str] = &[
    "hunter2-msg",
    "tok-logentry-123",
    "pw-param",
    "pw-exc",
    "key-mech",
    "tok-crumb",
    "pw-crumb",
    "tag-secret",
    "pw-extra",
    "cs-ctx",
    "pw-trace",
    "sess-user",
    "pw-url",
    "tok-url",
    "tok-frag",
    "tok-qs",
    "sess-cookie",
    "tok-hdr",
    "key-hdr",
    "pw-body",
    "pw-env",
    "set-cookie-resp",
    "pw-vars",
];

const PII: &[&str] = &["bob@example.com", "1.2.3.4", "5.6.7.8", "9.9.9.9"];

fn planted_request() -> Request {
    Request {
        url: "https://u:pw-url@example.com/login?token=tok-url&page=2#access_token=tok-frag"
            .parse()
            .ok(),
        method: Some("POST".into()),
        data: Some(r#"{"password":"pw-body","page":2}"#.into()),
        query_string: Some("token=tok-qs&page=2".into()),
        cookies: Some("sessionid=sess-cookie; theme=dark".into()),
        headers: string_map(&[
            ("Authorization", "Bearer tok-hdr"),
            ("X-Api-Key", "key-hdr"),
            ("Accept", "application/json"),
            ("X-Forwarded-For", "5.6.7.8"),
        ]),
        env: string_map(&[
            ("REMOTE_ADDR", "9.9.9.9"),
            ("DATABASE_URL", "postgres://app:pw-env@db/app"),
            ("SERVER_NAME", "web-1"),
        ]),
    }
}

fn planted_user() -> User {
    User {
        id: Some("user-42".into()),
        email: Some("bob@example.com".into()),
        ip_address: Some(IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4)).into()),
        username: Some("bob".into()),
        other: value_map(json!({"session_id": "sess-user", "plan": "pro"})),
    }
}

fn planted_event() -> Event<'static> {
    let mechanism = Mechanism {
        ty: "generic".into(),
        data: value_map(json!({"api_key": "key-mech", "code": 7})),
        ..Default::default()
    };
    let frame = sentry::protocol::Frame {
        vars: value_map(json!({"password": "pw-vars", "attempt": 3})),
        ..Default::default()
    };
    let exception = Exception {
        ty: "ConnectError".into(),
        value: Some("connect postgres://app:pw-exc@db:5432/app failed".into()),
        mechanism: Some(mechanism),
        stacktrace: Some(sentry::protocol::Stacktrace {
            frames: vec![frame],
            ..Default::default()
        }),
        ..Default::default()
    };
    let crumb = Breadcrumb {
        message: Some("GET /x?token=tok-crumb&page=2".into()),
        data: value_map(json!({
            "Authorization": "Bearer tok-crumb-data",
            "url": "https://u:pw-crumb@h/",
            "status": 200,
        })),
        ..Default::default()
    };
    let mut contexts = Map::new();
    contexts.insert(
        "vault".into(),
        Context::Other(value_map(
            json!({"client_secret": "cs-ctx", "region": "eu"}),
        )),
    );
    contexts.insert(
        "trace".into(),
        Context::Trace(Box::new(TraceContext {
            description: Some("SELECT 1 WHERE password = 'pw-trace'".into()),
            ..Default::default()
        })),
    );
    let response = sentry::protocol::ResponseContext {
        headers: string_map(&[
            ("Set-Cookie", "id=set-cookie-resp"),
            ("Content-Type", "text/html"),
        ]),
        ..Default::default()
    };
    contexts.insert("response".into(), Context::Response(Box::new(response)));
    Event {
        message: Some("login failed for bob password=hunter2-msg".into()),
        logentry: Some(LogEntry {
            message: "auth with Bearer tok-logentry-123".into(),
            params: vec![json!("postgres://u:pw-param@h/db")],
        }),
        exception: vec![exception].into(),
        breadcrumbs: vec![crumb].into(),
        tags: string_map(&[("api_key", "tag-secret"), ("release_channel", "beta")]),
        extra: value_map(json!({"db": {"password": "pw-extra"}, "note": "ok"})),
        contexts,
        user: Some(planted_user()),
        request: Some(planted_request()),
        ..Default::default()
    }
}

const EVENT_NEIGHBOURS: &[&str] = &[
    "page=2",
    "user-42",
    "\"bob\"",
    "\"plan\":\"pro\"",
    "beta",
    "\"note\":\"ok\"",
    "application/json",
    "web-1",
    "\"region\":\"eu\"",
    "text/html",
    "\"code\":7",
    "\"attempt\":3",
    "\"status\":200",
    "ConnectError",
    "example.com/login",
    "postgres://app:[Filtered]@db:5432/app",
];

#[test]
fn event_is_scrubbed() {
    let mut event = planted_event();
    scrubber().scrub_event(&mut event);
    let json = to_json(&event);
    assert_clean(&json, EVENT_SECRETS, EVENT_NEIGHBOURS);
    assert_clean(&json, PII, &[]);
}

#[test]
fn breadcrumb_is_scrubbed() {
    let mut crumb = Breadcrumb {
        category: Some("http".into()),
        message: Some("POST https://api.example.com/v1/login?api_key=key-crumb&page=2".into()),
        data: value_map(json!({
            "headers": {"Cookie": "sid=sess-crumb", "Accept": "text/plain"},
            "url": "https://svc:pw-crumb@api.example.com/v1",
            "session_token": "st-crumb",
            "method": "POST",
        })),
        ..Default::default()
    };
    scrubber().scrub_breadcrumb(&mut crumb);
    let json = to_json(&crumb);
    assert_clean(
        &json,
        &["key-crumb", "sess-crumb", "pw-crumb", "st-crumb"],
        &[
            "page=2",
            "text/plain",
            "\"method\":\"POST\"",
            "svc:[Filtered]@api.example.com",
        ],
    );
}

fn planted_transaction() -> Transaction<'static> {
    let mut contexts = Map::new();
    contexts.insert(
        "trace".into(),
        Context::Trace(Box::new(TraceContext {
            description: Some("SELECT * FROM t WHERE secret = 'sec-trace'".into()),
            data: value_map(json!({"db.password": "pw-trace-data", "db.system": "postgresql"})),
            ..Default::default()
        })),
    );
    let span = Span {
        op: Some("db.query".into()),
        description: Some("connect redis://:pw-span@cache:6379".into()),
        tags: string_map(&[("csrftoken", "csrf-span"), ("component", "db")]),
        data: value_map(json!({
            "db.statement": "UPDATE users SET password = 'pw-stmt' WHERE id = $1",
            "http.query": "access_token=tok-span&page=2",
            "rows": 3,
        })),
        ..Default::default()
    };
    Transaction {
        name: Some("GET /reset?token=tok-name".into()),
        tags: string_map(&[("auth_token", "tok-tag"), ("http.method", "GET")]),
        extra: value_map(json!({"credentials": {"user": "u", "pass": "pw-extra"}, "attempt": 1})),
        contexts,
        user: Some(planted_user()),
        request: Some(planted_request()),
        spans: vec![span],
        ..Default::default()
    }
}

#[test]
fn transaction_and_spans_are_scrubbed() {
    let mut tx = planted_transaction();
    scrubber().scrub_transaction(&mut tx);
    let json = to_json(&tx);
    assert_clean(
        &json,
        &[
            "tok-name",
            "tok-tag",
            "pw-extra",
            "sec-trace",
            "pw-trace-data",
            "pw-span",
            "csrf-span",
            "pw-stmt",
            "tok-span",
            "pw-url",
            "tok-url",
            "tok-qs",
            "sess-cookie",
            "tok-hdr",
            "key-hdr",
            "pw-body",
            "pw-env",
            "sess-user",
        ],
        &[
            "GET /reset?token=[Filtered]",
            "\"http.method\":\"GET\"",
            "\"attempt\":1",
            "postgresql",
            "redis://:[Filtered]@cache:6379",
            "\"component\":\"db\"",
            "WHERE id = $1",
            "page=2",
            "\"rows\":3",
            "user-42",
            "web-1",
        ],
    );
    assert_clean(&json, PII, &[]);
}

fn log(body: &str, attributes: Map<String, LogAttribute>) -> sentry::protocol::Log {
    sentry::protocol::Log {
        level: LogLevel::Warn,
        body: body.into(),
        trace_id: None,
        timestamp: SystemTime::now(),
        severity_number: None,
        attributes,
    }
}

#[test]
fn log_is_scrubbed() {
    let mut l = log(
        "login for bob with password: hunter2 failed",
        attrs(json!({
            "sentry.message.template": "login for {} with password: {} failed",
            "sentry.message.parameter.0": "bob",
            "sentry.message.parameter.1": "hunter2",
            "api_key": "key-log",
            "user.email": "bob@example.com",
            "client.address": "1.2.3.4",
            "user.id": "user-42",
            "http.url": "https://x.example/?refresh_token=rt-log&page=2",
            "count": 3,
        })),
    );
    scrubber().scrub_log(&mut l);
    let json = to_json(&l);
    assert_clean(
        &json,
        &["hunter2", "key-log", "rt-log", "bob@example.com", "1.2.3.4"],
        &[
            "login for bob with password: [Filtered] failed",
            "login for {} with password: {} failed",
            "\"bob\"",
            "user-42",
            "page=2",
        ],
    );
    assert_eq!(l.attributes.get("count"), Some(&LogAttribute(json!(3))));
}

#[test]
fn metric_is_scrubbed() {
    let mut m = Metric {
        r#type: MetricType::Distribution,
        name: "http.request.duration".into(),
        value: 12.5,
        timestamp: SystemTime::now(),
        trace_id: Default::default(),
        span_id: None,
        unit: None,
        attributes: [
            ("user.email", json!("bob@example.com")),
            ("user.ip_address", json!("1.2.3.4")),
            ("user.id", json!("user-42")),
            ("session_token", json!("st-metric")),
            ("route", json!("/login?password=pw-metric&page=2")),
            ("gen_ai.usage.input_tokens", json!(120)),
        ]
        .into_iter()
        .map(|(k, v)| (Cow::Borrowed(k), LogAttribute(v)))
        .collect(),
    };
    scrubber().scrub_metric(&mut m);
    let json = to_json(&m);
    assert_clean(
        &json,
        &["bob@example.com", "1.2.3.4", "st-metric", "pw-metric"],
        &[
            "user-42",
            "page=2",
            "http.request.duration",
            "\"value\":120",
        ],
    );
}

#[test]
fn send_default_pii_controls_email_and_ip() {
    let with_pii = Scrubber::new(true);
    let without = Scrubber::new(false);
    let pii_log = || {
        log(
            "hello",
            attrs(json!({"user.email": "bob@example.com", "user.id": "user-42"})),
        )
    };
    let pii_metric = || Metric {
        r#type: MetricType::Counter,
        name: "logins".into(),
        value: 1.0,
        timestamp: SystemTime::now(),
        trace_id: Default::default(),
        span_id: None,
        unit: None,
        attributes: [(
            Cow::Borrowed("user.email"),
            LogAttribute(json!("bob@example.com")),
        )]
        .into_iter()
        .collect(),
    };

    for (scrubber, keep) in [(&with_pii, true), (&without, false)] {
        let mut event = planted_event();
        scrubber.scrub_event(&mut event);
        let mut tx = planted_transaction();
        scrubber.scrub_transaction(&mut tx);
        let mut l = pii_log();
        scrubber.scrub_log(&mut l);
        let mut m = pii_metric();
        scrubber.scrub_metric(&mut m);
        let all = [to_json(&event), to_json(&tx), to_json(&l), to_json(&m)];
        for json in &all {
            assert!(
                json.contains("bob@example.com") == keep,
                "email kept={keep}: {json}"
            );
        }
        for json in &all[..2] {
            // user.ip_address and REMOTE_ADDR
            for ip in ["1.2.3.4", "9.9.9.9"] {
                assert!(json.contains(ip) == keep, "{ip} kept={keep}: {json}");
            }
            // X-Forwarded-For is on Sentry's denylist as well as its PII list: never sent.
            assert!(!json.contains("5.6.7.8"), "X-Forwarded-For kept: {json}");
            // Secrets are removed regardless of the PII setting.
            assert_clean(json, &["pw-url", "tok-hdr", "sess-user"], &["user-42"]);
        }
    }
}

fn check_in() -> MonitorCheckIn {
    MonitorCheckIn {
        check_in_id: Uuid::nil(),
        monitor_slug: "nightly-backup".into(),
        status: MonitorCheckInStatus::Ok,
        environment: Some("prod postgres://u:pw-checkin@db".into()),
        duration: Some(1.0),
        monitor_config: None,
    }
}

#[test]
fn envelope_items_are_scrubbed() {
    let mut envelope = Envelope::new();
    envelope.add_item(planted_event());
    envelope.add_item(planted_transaction());
    envelope.add_item(vec![log(
        "token=tok-envlog",
        attrs(json!({"secret": "sec-envlog", "user.id": "user-42"})),
    )]);
    envelope.add_item(vec![Metric {
        r#type: MetricType::Gauge,
        name: "queue.depth".into(),
        value: 3.0,
        timestamp: SystemTime::now(),
        trace_id: Default::default(),
        span_id: None,
        unit: None,
        attributes: [(
            Cow::Borrowed("api_key"),
            LogAttribute(json!("key-envmetric")),
        )]
        .into_iter()
        .collect(),
    }]);
    envelope.add_item(check_in());
    envelope.add_item(SessionUpdate {
        session_id: Uuid::nil(),
        distinct_id: Some("bob@example.com".into()),
        sequence: None,
        timestamp: None,
        started: SystemTime::now(),
        init: true,
        duration: None,
        status: SessionStatus::Ok,
        errors: 0,
        attributes: SessionAttributes {
            release: "app@1.0.0".into(),
            environment: None,
            ip_address: Some(IpAddr::V4(Ipv4Addr::new(1, 2, 3, 4))),
            user_agent: None,
        },
    });
    envelope.add_item(Attachment {
        buffer: b"attachment password=kept-verbatim".to_vec(),
        filename: "dump.txt".into(),
        content_type: Some("text/plain".into()),
        ty: None,
    });
    let event_id = envelope.uuid().copied();

    let scrubbed = scrubber().scrub_envelope(envelope);
    assert_eq!(scrubbed.uuid().copied(), event_id);
    assert_eq!(scrubbed.items().count(), 7);
    let mut bytes = Vec::new();
    scrubbed
        .to_writer(&mut bytes)
        .unwrap_or_else(|e| panic!("write failed: {e}"));
    let text = String::from_utf8_lossy(&bytes);
    let mut secrets = EVENT_SECRETS.to_vec();
    secrets.extend([
        "tok-envlog",
        "sec-envlog",
        "key-envmetric",
        "pw-checkin",
        "pw-stmt",
        "tok-name",
    ]);
    secrets.extend(PII);
    assert_clean(
        &text,
        &secrets,
        &[
            "nightly-backup",
            "queue.depth",
            "user-42",
            "page=2",
            "kept-verbatim",
            "app@1.0.0",
        ],
    );
}

#[test]
fn raw_and_empty_envelopes_pass_through() {
    let raw = Envelope::from_bytes_raw(
        b"{}\n{\"type\":\"event\"}\n{\"message\":\"password=x\"}\n".to_vec(),
    )
    .unwrap_or_else(|e| panic!("raw envelope: {e}"));
    assert_eq!(scrubber().scrub_envelope(raw.clone()), raw);
    assert_eq!(scrubber().scrub_envelope(Envelope::new()), Envelope::new());
}

#[test]
fn request_body_keeps_non_json_and_clean_json_intact() {
    let s = scrubber();
    let mut r = Request {
        data: Some("user=bob&password=pw-form".into()),
        ..Default::default()
    };
    s.scrub_request(&mut r);
    assert_eq!(r.data.as_deref(), Some("user=bob&password=[Filtered]"));

    let pretty = "{ \"b\": 1,\n  \"a\": \"x\" }";
    let mut r = Request {
        data: Some(pretty.into()),
        ..Default::default()
    };
    s.scrub_request(&mut r);
    assert_eq!(r.data.as_deref(), Some(pretty));
}

#[test]
fn the_trace_header_loses_secrets_in_its_transaction_name() {
    use sentry::protocol::{DynamicSamplingContext, EnvelopeHeaders};

    let name = "GET /reset?token=t0k-in-name&page=2";
    let headers = EnvelopeHeaders::new().with_trace(
        DynamicSamplingContext::new()
            .with_transaction(name.to_owned())
            .with_release("shop@1.0".to_owned()),
    );
    let wire = scrubbed_wire(
        headers,
        Transaction {
            name: Some(name.to_owned()),
            ..Default::default()
        },
    );
    assert_clean(&wire, &["t0k-in-name"], &["shop@1.0", "page=2"]);
    assert_eq!(wire.matches("token=[Filtered]").count(), 2, "{wire}");
}

#[test]
fn trace_header_names_with_escapes_lose_their_secrets_too() {
    use sentry::protocol::{DynamicSamplingContext, EnvelopeHeaders};

    let name = "say \"token=abc123\"\n";
    let headers = EnvelopeHeaders::new()
        .with_trace(DynamicSamplingContext::new().with_transaction(name.to_owned()));
    let wire = scrubbed_wire(headers, Transaction::default());
    assert_clean(&wire, &["abc123"], &["say"]);
}

/// What goes on the wire for an envelope of `transaction` under `headers`, once scrubbed.
fn scrubbed_wire(
    headers: sentry::protocol::EnvelopeHeaders,
    transaction: Transaction<'static>,
) -> String {
    let mut envelope = Envelope::new().with_headers(headers);
    envelope.add_item(transaction);
    let envelope = scrubber().scrub_envelope(envelope);
    let mut wire = Vec::new();
    envelope
        .to_writer(&mut wire)
        .unwrap_or_else(|e| panic!("serialisation failed: {e}"));
    String::from_utf8_lossy(&wire).into_owned()
}
