//! Delivery to a [Spotlight](https://spotlightjs.com) sidecar, the local Sentry UI for
//! development.
//!
//! Every envelope is POSTed to the sidecar URL (by default `http://localhost:8969/stream`) with
//! `Content-Type: application/x-sentry-envelope`: without that header the sidecar answers 200
//! and silently throws the body away. When the sidecar is down, deliveries back off
//! exponentially (1 s, 2 s, 4 s, … capped at 60 s) and envelopes arriving meanwhile are
//! dropped as `spotlight_unavailable`, so a missing sidecar costs one failed connection per
//! backoff period, never the application's time. One line on stderr announces each outage.

use std::time::{Duration, Instant};

use reqwest::header::CONTENT_TYPE;
use sentry::Envelope;

use super::http::{ENVELOPE_CONTENT_TYPE, HttpPoster, PostResult};
use super::queue::{Delivery, ShutdownDeadline, Sink};
use super::stats::DropReason;

/// The sidecar is local: if it takes longer than this to accept a connection it is not there.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(5);
const FIRST_BACKOFF: Duration = Duration::from_secs(1);
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// Exponential backoff after failures: each failure doubles the wait, a success resets it.
#[derive(Debug)]
pub(crate) struct Backoff {
    first: Duration,
    max: Duration,
    current: Option<Duration>,
    until: Option<Instant>,
}

impl Backoff {
    pub(crate) fn new(first: Duration, max: Duration) -> Self {
        Self {
            first,
            max,
            current: None,
            until: None,
        }
    }

    /// Whether deliveries must still be skipped at `now`.
    pub(crate) fn is_waiting(&self, now: Instant) -> bool {
        self.until.is_some_and(|until| now < until)
    }

    /// Records a failure at `now`; returns the wait before the next attempt.
    pub(crate) fn failed(&mut self, now: Instant) -> Duration {
        let wait = match self.current {
            None => self.first,
            Some(previous) => previous.saturating_mul(2).min(self.max),
        };
        self.current = Some(wait);
        self.until = Some(now + wait);
        wait
    }

    /// Records a success: the next failure starts over at the first wait.
    pub(crate) fn succeeded(&mut self) {
        self.current = None;
        self.until = None;
    }

    /// Whether the last attempt failed (an outage is under way).
    pub(crate) fn in_outage(&self) -> bool {
        self.current.is_some()
    }
}

/// Posts every envelope to the sidecar, with backoff while it is unreachable.
pub(crate) struct SpotlightSink {
    url: String,
    /// The URL without its user and password, for messages.
    shown_url: String,
    poster: Result<HttpPoster, String>,
    backoff: Backoff,
}

impl SpotlightSink {
    /// Builds the client; call on the worker thread.
    pub(crate) fn new(url: String) -> Self {
        Self::with_backoff(url, Backoff::new(FIRST_BACKOFF, MAX_BACKOFF))
    }

    pub(crate) fn with_backoff(url: String, backoff: Backoff) -> Self {
        let builder = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            // The sidecar is on this machine; a proxy from the environment would only get in
            // the way.
            .no_proxy();
        Self {
            shown_url: without_credentials(&url),
            url,
            poster: HttpPoster::new(builder),
            backoff,
        }
    }

    fn fail(&mut self, reason: DropReason, error: String) -> Delivery {
        let first_failure = !self.backoff.in_outage();
        let wait = self.backoff.failed(Instant::now());
        if first_failure {
            // Once per outage, so a missing sidecar is noticed without flooding stderr.
            eprintln!(
                "[sentry] spotlight: cannot deliver to {} ({error}); retrying in {}s, dropping envelopes meanwhile",
                self.shown_url,
                wait.as_secs()
            );
        }
        Delivery::failed(
            reason,
            format!("{error} (next attempt in {}s)", wait.as_secs()),
        )
    }
}

/// `url` without user name and password, which may be credentials and must never be printed.
fn without_credentials(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            // Both fail only for URLs that cannot have credentials in the first place.
            let _ = parsed.set_password(None);
            let _ = parsed.set_username("");
            parsed.to_string()
        }
        Err(_) => "the Spotlight URL".to_owned(),
    }
}

impl Sink for SpotlightSink {
    fn deliver(&mut self, envelope: Envelope, deadline: &ShutdownDeadline) -> Delivery {
        if self.backoff.is_waiting(Instant::now()) {
            return Delivery::dropped(DropReason::SpotlightUnavailable);
        }
        let poster = match &self.poster {
            Ok(poster) => poster,
            Err(err) => return Delivery::failed(DropReason::SendError, err.clone()),
        };
        let mut body = Vec::new();
        if let Err(err) = super::wire::write_envelope(&envelope, &mut body) {
            return Delivery::failed(
                DropReason::SendError,
                format!("cannot serialise envelope: {err}"),
            );
        }
        let request = poster
            .client()
            .post(&self.url)
            .header(CONTENT_TYPE, ENVELOPE_CONTENT_TYPE)
            .body(body);
        match poster.post(request, deadline) {
            PostResult::DeadlinePassed => Delivery::dropped(DropReason::Shutdown),
            PostResult::Failed(err) => self.fail(DropReason::NetworkError, err),
            PostResult::Answered { status, .. } if status.is_success() => {
                self.backoff.succeeded();
                Delivery::Sent
            }
            PostResult::Answered { status, .. } => {
                self.fail(DropReason::SendError, format!("HTTP {status}"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_show_the_url_without_credentials() {
        assert_eq!(
            without_credentials("http://user:hunter2@127.0.0.1:8969/stream"),
            "http://127.0.0.1:8969/stream"
        );
        assert_eq!(
            without_credentials("http://localhost:8969/stream"),
            "http://localhost:8969/stream"
        );
    }

    #[test]
    fn backoff_doubles_from_one_second_caps_at_sixty_and_resets_on_success() {
        let mut backoff = Backoff::new(FIRST_BACKOFF, MAX_BACKOFF);
        let t0 = Instant::now();
        assert!(!backoff.is_waiting(t0));
        let waits: Vec<u64> = (0..8).map(|_| backoff.failed(t0).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        assert!(backoff.is_waiting(t0 + Duration::from_secs(59)));
        assert!(!backoff.is_waiting(t0 + Duration::from_secs(60)));
        backoff.succeeded();
        assert!(!backoff.is_waiting(t0));
        assert_eq!(backoff.failed(t0), Duration::from_secs(1));
    }
}
