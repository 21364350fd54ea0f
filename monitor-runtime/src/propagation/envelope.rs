//! The dynamic sampling context as the `trace` header of the envelopes a trace produces.
//!
//! The SDK writes a minimal header on transaction envelopes (trace id, sample rate,
//! decision, public key) and none on event envelopes. On their way to the transport, the
//! header of both becomes the trace's frozen context: the one received from upstream, or
//! the one this process produced as the trace's head, so that every envelope of a trace,
//! in every service, carries the same context.

use sentry::protocol::{Context, Envelope, EnvelopeItem, TraceId};

use super::dsc::DynamicSamplingContext;
use super::trace_state::{self, ClientFacts};

/// What an envelope is about.
enum Subject {
    /// A transaction: sending it freezes its trace's context.
    Transaction { trace: TraceId, name: String },
    /// An error or message event: it reads the trace's context without freezing it.
    Event { trace: TraceId },
}

fn subject(envelope: &Envelope) -> Option<Subject> {
    envelope.items().find_map(|item| match item {
        EnvelopeItem::Transaction(transaction) => match transaction.contexts.get("trace") {
            Some(Context::Trace(trace)) => Some(Subject::Transaction {
                trace: trace.trace_id,
                name: transaction.name.clone().unwrap_or_default(),
            }),
            _ => None,
        },
        EnvelopeItem::Event(event) => match event.contexts.get("trace") {
            Some(Context::Trace(trace)) => Some(Subject::Event {
                trace: trace.trace_id,
            }),
            _ => None,
        },
        _ => None,
    })
}

/// `envelope` with its trace's dynamic sampling context as its `trace` header. Envelopes
/// of neither a transaction nor an event, and a continued trace whose caller sent no
/// context, keep the header they have.
pub(crate) fn with_trace_header(envelope: Envelope, facts: &ClientFacts) -> Envelope {
    let Some(subject) = subject(&envelope) else {
        return envelope;
    };
    let dsc = match subject {
        Subject::Transaction { trace, name } => {
            if trace_state::lookup(trace).is_none() {
                // This process did not see the trace's head sample it (tracing set up
                // without the toolkit's sampler): the SDK's header has the rate.
                if let Some(rate) = sdk_sample_rate(&envelope) {
                    trace_state::note_head(trace, &name, rate);
                }
            }
            trace_state::freeze(trace, Some(true), || Some(facts.clone()))
                .dsc
                .clone()
        }
        Subject::Event { trace } => match trace_state::lookup(trace) {
            Some(Ok(frozen)) => frozen.dsc.clone(),
            Some(Err(head)) => facts.head_context(trace, Some(&head), None),
            None => facts.head_context(trace, None, None),
        },
    };
    if dsc.is_empty() {
        return envelope;
    }
    replace_trace_header(envelope, &dsc)
}

fn replace_trace_header(envelope: Envelope, dsc: &DynamicSamplingContext) -> Envelope {
    let headers = envelope.headers().clone().with_trace(dsc.to_protocol());
    let mut out = Envelope::new().with_headers(headers);
    for item in envelope.into_items() {
        out.add_item(item);
    }
    out
}

/// The `sample_rate` of the header the SDK wrote (the header type has no getters).
fn sdk_sample_rate(envelope: &Envelope) -> Option<f32> {
    let headers = serde_json::to_value(envelope.headers()).ok()?;
    headers
        .get("trace")?
        .get("sample_rate")?
        .as_str()?
        .parse()
        .ok()
}
