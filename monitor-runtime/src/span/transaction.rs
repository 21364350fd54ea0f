//! From a finished trace's records to the protocol's transaction, sent through its client.
//!
//! What the SDK's `Transaction::finish` does, on records instead of locked spans: the
//! scope of the hub the transaction started on, the client's release, environment, SDK
//! info and server name, the dynamic sampling context in the envelope's headers.

use std::borrow::Cow;
use std::sync::Arc;

use sentry::protocol::{self, Envelope, EnvelopeHeaders, SpanId, TraceContext, Value};
use sentry::{Client, Hub};

use super::budget;
use super::ids;
use super::tail;
use super::trace::{Extra, Finished, Keep, Link, Record, Sink, Trace};
use super::tracer::TracerState;
use crate::trace_context::trace_state::{self, ClientFacts};

/// Called once, when a transaction's root finished: sends what was recorded, or, for a
/// trace tail sampling recorded, decides first (`charged`: what it held of the budget).
pub(crate) fn finish(done: Finished) {
    let Finished {
        trace,
        records,
        dropped,
        charged,
    } = done;
    let trace = &*trace;
    let Sink::Transaction {
        client,
        hub,
        tracer,
        parent_span_id,
    } = &trace.sink
    else {
        return;
    };
    // Spans over the limit are lost, as in the SDK (which reports them in client reports,
    // a private API).
    let _ = dropped;
    let reason = match (trace.head.keep, &trace.tail) {
        (Keep::Sampled, _) => None,
        (Keep::Pending, Some(pending)) => {
            budget::release(charged);
            match records
                .first()
                .and_then(|root| tail::decide_trace(pending, root.status, root.start, root.end))
            {
                Some(reason) => Some(reason),
                None => return,
            }
        }
        (Keep::Pending, None) => return,
    };
    let Some(mut transaction) = build(trace, records, *parent_span_id) else {
        return;
    };
    if let Some(reason) = reason {
        tail::mark(&mut transaction, reason);
    }
    send(trace, client, hub, tracer.as_deref(), transaction);
}

/// The protocol transaction of `records` (record 0 is the root); `None` if there is none.
pub(crate) fn build(
    trace: &Trace,
    records: Vec<Record>,
    parent_span_id: Option<SpanId>,
) -> Option<protocol::Transaction<'static>> {
    let mut records = records.into_iter();
    let root = records.next()?;
    let spans = records
        .filter(|record| record.end.is_some())
        .map(|record| span(trace.trace_id, record))
        .collect();
    let Extra {
        tags,
        data,
        links,
        request: _, // only `http.client` children have one
    } = root.extra.map(|extra| *extra).unwrap_or_default();
    let (op, name) = root.names.into_strings();
    // Every field is spelled out: the protocol types' `Default` draws random ids from the
    // SDK's ChaCha generator (and a UUID from the OS) only to have them overwritten.
    let mut context = TraceContext {
        span_id: root.span_id,
        trace_id: trace.trace_id,
        parent_span_id,
        op: Some(op),
        description: None,
        status: root.status,
        origin: None,
        data,
    };
    put_links(&mut context.data, links);
    let mut transaction = protocol::Transaction {
        event_id: ids::event_id(),
        name: Some(name),
        release: None,
        environment: None,
        user: None,
        tags,
        extra: protocol::Map::new(),
        sdk: None,
        platform: Cow::Borrowed("other"),
        timestamp: root.end,
        start_timestamp: root.start,
        spans,
        contexts: protocol::Map::new(),
        request: None,
        server_name: None,
    };
    transaction
        .contexts
        .insert("trace".to_owned(), context.into());
    Some(transaction)
}

/// A finished child record as a protocol span.
pub(crate) fn span(trace_id: sentry::protocol::TraceId, record: Record) -> protocol::Span {
    let Extra {
        tags,
        mut data,
        links,
        request,
    } = record.extra.map(|extra| *extra).unwrap_or_default();
    let (op, name) = record.names.into_strings();
    // An `http.client` span's description and data are its request's.
    let description = match request {
        Some(request) => Some(request.into_data(&mut data)),
        None => (!name.is_empty()).then_some(name),
    };
    let mut span = protocol::Span {
        span_id: record.span_id,
        trace_id,
        parent_span_id: record.parent_span_id,
        same_process_as_parent: None,
        op: Some(op),
        description,
        timestamp: record.end,
        start_timestamp: record.start,
        status: record.status,
        tags,
        data,
    };
    put_links(&mut span.data, links);
    span
}

/// Span links as span data: the SDK's protocol types (0.49) have no `links` field, so they
/// are recorded under `links`, one object each as Sentry's span links are written.
fn put_links(data: &mut protocol::Map<String, Value>, links: Vec<Link>) {
    if links.is_empty() {
        return;
    }
    let links = links.iter().map(link_value).collect();
    data.insert(LINKS_KEY.to_owned(), Value::Array(links));
}

/// The span data key links are recorded under.
pub(crate) const LINKS_KEY: &str = "links";

/// One span link: `{trace_id, span_id, sampled?, attributes: {sentry.link.type}}`. Every
/// link the toolkit records is a follows-from link: work caused by a span it is not a
/// child of.
pub(crate) fn link_value(link: &Link) -> Value {
    let mut object = serde_json::Map::new();
    object.insert("trace_id".into(), link.trace_id.to_string().into());
    object.insert("span_id".into(), link.span_id.to_string().into());
    if let Some(sampled) = link.sampled {
        object.insert("sampled".into(), sampled.into());
    }
    object.insert(
        "attributes".into(),
        serde_json::json!({ "sentry.link.type": "follows_from" }),
    );
    Value::Object(object)
}

/// Completes `transaction` as the SDK would and hands it to `client`.
pub(crate) fn send(
    trace: &Trace,
    client: &Arc<Client>,
    hub: &Arc<Hub>,
    tracer: Option<&TracerState>,
    mut transaction: protocol::Transaction<'static>,
) {
    // `with_scope` reads a copy of the scope on a pushed layer: unlike a `configure_scope`
    // round trip, it cannot write an old copy back over a concurrent change.
    hub.with_scope(|scope| scope.apply_to_transaction(&mut transaction), || ());
    let options = client.options();
    transaction.release.clone_from(&options.release);
    transaction.environment.clone_from(&options.environment);
    transaction.server_name.clone_from(&options.server_name);
    let sdk = match tracer {
        Some(tracer) => tracer.sdk_info(client),
        None => super::tracer::build_sdk_info(client),
    };
    transaction.sdk = Some(std::borrow::Cow::Owned(sdk));
    // The trace's dynamic sampling context, frozen now if nothing propagated it before
    // (kept per trace, `trace_context::trace_state`); this root records its
    // decision first when it heads the trace.
    let name = transaction.name.clone().unwrap_or_default();
    if let Sink::Transaction {
        parent_span_id: None,
        ..
    } = trace.sink
        && !trace.head.sample_rate.is_nan()
    {
        trace_state::note_head(trace.trace_id, &name, trace.head.sample_rate);
    }
    let frozen = trace_state::freeze(trace.trace_id, Some(true), || {
        Some(ClientFacts::from_options(client.options()))
    });
    let dsc = frozen.dsc.to_protocol();
    let mut envelope = Envelope::new().with_headers(EnvelopeHeaders::new().with_trace(dsc));
    envelope.add_item(transaction);
    client.send_envelope(envelope);
}
