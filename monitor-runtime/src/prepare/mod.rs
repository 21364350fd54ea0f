//! What happens to every envelope between the application and the destinations, once, on
//! the transport's preparation thread (never on the application's):
//!
//! 1. stack traces are symbolicated, classified in-app or not, and trimmed
//!    ([`crate::stack`]);
//! 2. what the SDK serialises that Sentry's event schema rejects is fixed ([`protocol`]);
//! 3. error events get a fingerprint so the same failure from the same code groups into one
//!    issue ([`grouping`]);
//! 4. secrets and personal data are scrubbed from every item ([`Scrubber::scrub_envelope`]).
//!
//! The destinations (remote, console, events file, Spotlight, the `testing` capture) all
//! receive the prepared envelope, so what a test asserts on and what the console prints is
//! exactly what is sent.

pub(crate) mod grouping;
pub(crate) mod protocol;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use sentry::Envelope;
use sentry::protocol::EnvelopeItem;

use crate::scrub::Scrubber;
use crate::stack::Symbolicator;
use crate::transport::ShutdownDeadline;

/// The preparation of one client's envelopes.
#[derive(Debug)]
pub(crate) struct Preparer {
    scrubber: Arc<Scrubber>,
    symbolicator: Symbolicator,
    /// Until when symbolication may be waited for, fixed the first time a shutdown deadline
    /// is seen: half of the time left then, so that delivery keeps the other half.
    cutoff: Mutex<Option<Instant>>,
}

impl Preparer {
    /// Scrubs with `scrubber`; `in_app_include`/`in_app_exclude` are the SDK options.
    pub(crate) fn new(
        scrubber: Arc<Scrubber>,
        in_app_include: Vec<String>,
        in_app_exclude: Vec<String>,
    ) -> Self {
        Self {
            scrubber,
            symbolicator: Symbolicator::new(in_app_include, in_app_exclude),
            cutoff: Mutex::new(None),
        }
    }

    /// Prepares one envelope for every destination; `deadline` is the transport's shutdown
    /// deadline, once shutdown has begun.
    pub(crate) fn prepare(&self, envelope: Envelope, deadline: &ShutdownDeadline) -> Envelope {
        // A raw envelope has no items to work on (and cannot take new ones).
        if envelope.items().next().is_none() {
            return envelope;
        }
        // One rebuild of the envelope for both steps: the SDK gives no mutable access to
        // its items, and each rebuild copies the headers (DSN, SDK info, trace context).
        let mut prepared = self.scrubber.scrubbed_shell(&envelope);
        for item in envelope.into_items() {
            let item = self.prepare_item(item, deadline);
            prepared.add_item(self.scrubber.scrub_item(item));
        }
        prepared
    }

    /// Until when symbolication may be waited for: no limit before shutdown begins.
    fn symbolication_cutoff(&self, deadline: &ShutdownDeadline) -> Option<Instant> {
        let at = deadline.get()?;
        let mut cutoff = self.cutoff.lock().unwrap_or_else(PoisonError::into_inner);
        Some(*cutoff.get_or_insert_with(|| {
            let now = Instant::now();
            now + at.saturating_duration_since(now) / 2
        }))
    }

    fn prepare_item(&self, item: EnvelopeItem, deadline: &ShutdownDeadline) -> EnvelopeItem {
        match item {
            EnvelopeItem::Event(mut event) => {
                self.symbolicator
                    .process_event(&mut event, &|| self.symbolication_cutoff(deadline));
                protocol::fix_event(&mut event);
                grouping::fingerprint(&mut event);
                EnvelopeItem::Event(event)
            }
            EnvelopeItem::Transaction(mut transaction) => {
                if let Some(user) = &mut transaction.user {
                    protocol::fix_user(user);
                }
                EnvelopeItem::Transaction(transaction)
            }
            other => other,
        }
    }
}
