//! What this process knows of each trace it takes part in: the facts the head recorded
//! when it sampled the trace, until the dynamic sampling context is frozen, then the frozen
//! context itself.
//!
//! Why per trace and not per span: the context belongs to the whole trace (every
//! transaction of it, in every service, carries the same one), and the spans that need it
//! (an `http.client` child deep in a request, an event, a transaction finished by the SDK)
//! can all name their trace, whereas the SDK gives a child span no way back to its root.
//!
//! Memory is bounded: entries live in two generations of [`GENERATION`] traces each. A
//! full young generation becomes the old one and the previous old one is dropped; an
//! entry read from the old generation moves back to the young one, so traces still in use
//! survive and forgotten ones (an unsampled request that never called out) age out.

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use sentry::ClientOptions;
use sentry::protocol::{OrganizationId, TraceId};

use super::baggage::{self, Writer};
use super::carrier::PreparedValue;
use super::dsc::{DynamicSamplingContext, Head};

/// Traces per generation.
const GENERATION: usize = 4096;

/// A frozen dynamic sampling context, with what is sent on every outgoing request of the
/// trace prepared once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Frozen {
    pub(crate) dsc: DynamicSamplingContext,
    /// The `sentry-` members, serialised.
    sentry_baggage: String,
    sentry_members: usize,
    /// Members of the incoming `baggage` that are not Sentry's, byte for byte.
    pub(crate) third_party: Vec<String>,
    /// The `baggage` of an outgoing request that had none: the same for every call.
    prepared: PreparedValue,
}

/// The `baggage` to send with one request.
pub(crate) enum Outgoing<'a> {
    /// The trace's usual value.
    Prepared(&'a PreparedValue),
    /// A value merged with the one the request already had.
    Merged(String),
}

impl Frozen {
    pub(crate) fn new(dsc: DynamicSamplingContext, third_party: Vec<String>) -> Frozen {
        let mut writer = Writer::default();
        dsc.write_baggage(&mut writer);
        let sentry_members = writer.len();
        let mut frozen = Frozen {
            dsc,
            sentry_baggage: writer.finish(),
            sentry_members,
            third_party,
            prepared: PreparedValue::new(String::new()),
        };
        frozen.prepared = PreparedValue::new(frozen.baggage(None));
        frozen
    }

    /// The `baggage` for a request whose own `baggage` value is `existing`.
    pub(crate) fn outgoing(&self, existing: Option<&str>) -> Outgoing<'_> {
        match existing {
            Some(existing) if !existing.trim().is_empty() => {
                Outgoing::Merged(self.baggage(Some(existing)))
            }
            _ => Outgoing::Prepared(&self.prepared),
        }
    }

    /// The `baggage` value of an outgoing request: the members `existing` (a value the
    /// request already had) holds that are not Sentry's, this trace's members from upstream
    /// that are not Sentry's, then the frozen `sentry-` members; within the limits, Sentry's
    /// first.
    pub(crate) fn baggage(&self, existing: Option<&str>) -> String {
        let mut writer = Writer::starting_with(&self.sentry_baggage, self.sentry_members);
        let mut written: Vec<&str> = Vec::new();
        let existing = existing.into_iter().flat_map(baggage::members);
        for member in existing {
            if !member.key.starts_with(baggage::SENTRY_PREFIX) && writer.push_raw(member.raw) {
                written.push(member.key);
            }
        }
        for raw in &self.third_party {
            let key = raw.split(['=', ';']).next().unwrap_or_default().trim();
            if !written.contains(&key) {
                writer.push_raw(raw);
            }
        }
        writer.finish()
    }
}

/// The settings of the client a context is frozen with.
#[derive(Debug, Clone, Default)]
pub(crate) struct ClientFacts {
    pub(crate) public_key: Option<String>,
    pub(crate) release: Option<String>,
    pub(crate) environment: Option<String>,
    pub(crate) org_id: Option<OrganizationId>,
}

impl ClientFacts {
    pub(crate) fn from_options(options: &ClientOptions) -> ClientFacts {
        let dsn = options.dsn.as_ref();
        ClientFacts {
            public_key: dsn.map(|dsn| dsn.public_key().to_owned()),
            release: options.release.as_deref().map(str::to_owned),
            environment: options.environment.as_deref().map(str::to_owned),
            org_id: options.org_id.or_else(|| dsn?.org_id()),
        }
    }

    /// The facts of the client bound to the current hub.
    pub(crate) fn current() -> Option<ClientFacts> {
        sentry::Hub::with_active(|hub| hub.client())
            .map(|client| ClientFacts::from_options(client.options()))
    }

    /// The context a head with these settings produces.
    pub(crate) fn head_context(
        &self,
        trace_id: TraceId,
        head: Option<&HeadFacts>,
        sampled: Option<bool>,
    ) -> DynamicSamplingContext {
        DynamicSamplingContext::from_head(Head {
            trace_id: Some(trace_id),
            public_key: self.public_key.as_deref(),
            sample_rate: head.map(|h| h.sample_rate),
            sampled,
            release: self.release.as_deref(),
            environment: self.environment.as_deref(),
            transaction: head.map(|h| &*h.transaction),
            org_id: self.org_id,
        })
    }
}

/// What the head recorded when it sampled the trace.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HeadFacts {
    pub(crate) transaction: Box<str>,
    pub(crate) sample_rate: f32,
}

#[derive(Debug, Clone)]
enum Entry {
    Head(HeadFacts),
    Frozen(Arc<Frozen>),
}

/// Trace ids are random: their first eight bytes are already a good hash.
#[derive(Default)]
struct TraceIdHasher(u64);

impl Hasher for TraceIdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.0 = self.0.rotate_left(5) ^ u64::from_le_bytes(word);
        }
    }

    fn write_usize(&mut self, _length_prefix: usize) {}
}

type Map = HashMap<TraceId, Entry, BuildHasherDefault<TraceIdHasher>>;

#[derive(Default)]
struct Store {
    young: Map,
    old: Map,
}

impl Store {
    /// The entry of `trace`, moved to the young generation when found in the old one.
    fn get(&mut self, trace: TraceId) -> Option<&mut Entry> {
        if !self.young.contains_key(&trace) {
            let entry = self.old.remove(&trace)?;
            self.insert(trace, entry);
        }
        self.young.get_mut(&trace)
    }

    fn insert(&mut self, trace: TraceId, entry: Entry) {
        if self.young.len() >= GENERATION && !self.young.contains_key(&trace) {
            self.old = std::mem::take(&mut self.young);
            ROTATIONS.fetch_add(1, Ordering::Relaxed);
        }
        self.young.insert(trace, entry);
    }
}

static STORE: Mutex<Option<Store>> = Mutex::new(None);

fn store() -> MutexGuard<'static, Option<Store>> {
    // A panic while holding the lock cannot leave the maps inconsistent: every change is
    // one insert or remove.
    STORE
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn with_store<R>(f: impl FnOnce(&mut Store) -> R) -> R {
    f(store().get_or_insert_with(Store::default))
}

/// How many times a young generation became the old one.
static ROTATIONS: AtomicU64 = AtomicU64::new(0);

/// What this thread last read from the store: a trace it knows, and its frozen context
/// once there is one. A request's outgoing calls come from the thread that runs it, so
/// the second and later calls of a trace skip the store's lock and lookup.
///
/// The entry is trusted only until the store's next rotation: then the store is read
/// again, which moves the trace back to the young generation, so a trace in use is not
/// aged out because its reads were answered here. A context, once frozen, never changes,
/// so the cached one is always the store's.
struct Last {
    trace: TraceId,
    rotation: u64,
    frozen: Option<Arc<Frozen>>,
}

thread_local! {
    static LAST: RefCell<Option<Last>> = const { RefCell::new(None) };
}

/// `Some(f(frozen context, if any))` when this thread read `trace` in the current
/// generation.
fn last<R>(trace: TraceId, f: impl FnOnce(Option<&Arc<Frozen>>) -> R) -> Option<R> {
    let rotation = ROTATIONS.load(Ordering::Relaxed);
    LAST.with_borrow(|last| match last {
        Some(last) if last.trace == trace && last.rotation == rotation => {
            Some(f(last.frozen.as_ref()))
        }
        _ => None,
    })
}

/// The store's entry for `trace`, read under its lock, noted as this thread's last.
fn read(trace: TraceId) -> Option<Result<Arc<Frozen>, HeadFacts>> {
    let (entry, rotation) = with_store(|store| {
        let entry = store.get(trace).map(|entry| match entry {
            Entry::Frozen(frozen) => Ok(frozen.clone()),
            Entry::Head(head) => Err(head.clone()),
        });
        (entry, ROTATIONS.load(Ordering::Relaxed))
    });
    if let Some(entry) = &entry {
        let frozen = entry.as_ref().ok().cloned();
        LAST.set(Some(Last {
            trace,
            rotation,
            frozen,
        }));
    }
    entry
}

/// Whether this process knows `trace` already: its head's facts were noted or its context
/// frozen.
pub(crate) fn knows(trace: TraceId) -> bool {
    last(trace, |_| ()).is_some() || read(trace).is_some()
}

/// Records what the head of `trace` sampled it with, unless the trace is known already (a
/// nested transaction of the same trace, or a continued one).
pub(crate) fn note_head(trace: TraceId, transaction: &str, sample_rate: f32) {
    with_store(|store| {
        if store.get(trace).is_none() {
            let facts = HeadFacts {
                transaction: transaction.into(),
                sample_rate,
            };
            store.insert(trace, Entry::Head(facts));
        }
    });
}

/// Freezes the context received from upstream for `trace`. A context frozen before wins:
/// frozen means frozen, and a trace that comes back to this process carries the same one.
pub(crate) fn freeze_incoming(trace: TraceId, frozen: Frozen) -> Arc<Frozen> {
    with_store(|store| match store.get(trace) {
        Some(Entry::Frozen(existing)) => existing.clone(),
        _ => {
            let frozen = Arc::new(frozen);
            store.insert(trace, Entry::Frozen(frozen.clone()));
            frozen
        }
    })
}

/// The frozen context of `trace`, freezing it now from the head's facts (or, when this
/// process did not sample the trace's head, from the client's settings alone) with
/// `sampled` as the decision. `facts` is asked only when the context is not frozen yet.
pub(crate) fn freeze(
    trace: TraceId,
    sampled: Option<bool>,
    facts: impl FnOnce() -> Option<ClientFacts>,
) -> Arc<Frozen> {
    let head = match lookup(trace) {
        Some(Ok(frozen)) => return frozen,
        Some(Err(head)) => Some(head),
        None => None,
    };
    // Built outside the lock; if another thread froze the trace meanwhile, its context
    // wins and this one is dropped.
    let dsc = facts()
        .unwrap_or_default()
        .head_context(trace, head.as_ref(), sampled);
    freeze_incoming(trace, Frozen::new(dsc, Vec::new()))
}

/// The frozen context of `trace` if there is one, else what its head recorded; freezes
/// nothing (an error event alone does not fix the trace's context).
pub(crate) fn lookup(trace: TraceId) -> Option<Result<Arc<Frozen>, HeadFacts>> {
    if let Some(Some(frozen)) = last(trace, |frozen| frozen.cloned()) {
        return Some(Ok(frozen));
    }
    read(trace)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(n: u64) -> TraceId {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&n.to_le_bytes());
        bytes[15] = 1;
        TraceId::from(bytes)
    }

    fn facts() -> ClientFacts {
        ClientFacts {
            public_key: Some("key".into()),
            release: Some("svc@1".into()),
            environment: Some("production".into()),
            org_id: None,
        }
    }

    #[test]
    fn a_head_freezes_once_with_its_rate_and_name() {
        let id = trace(u64::MAX - 1);
        note_head(id, "GET /a", 0.5);
        note_head(id, "nested", 1.0);
        let frozen = freeze(id, Some(true), || Some(facts()));
        assert_eq!(frozen.dsc.get("transaction"), Some("GET /a"));
        assert_eq!(frozen.dsc.sample_rate(), Some(0.5));
        assert_eq!(frozen.dsc.sampled(), Some(true));
        let again = freeze(id, Some(false), || None);
        assert!(Arc::ptr_eq(&frozen, &again));
    }

    #[test]
    fn an_incoming_context_replaces_head_facts_but_not_a_frozen_context() {
        let id = trace(u64::MAX - 2);
        note_head(id, "GET /b", 1.0);
        let incoming = Frozen::new(
            DynamicSamplingContext::from_baggage("sentry-sample_rate=0.1"),
            vec![],
        );
        let kept = freeze_incoming(id, incoming);
        assert_eq!(kept.dsc.sample_rate(), Some(0.1));
        let other = Frozen::new(
            DynamicSamplingContext::from_baggage("sentry-sample_rate=0.7"),
            vec![],
        );
        assert_eq!(freeze_incoming(id, other).dsc.sample_rate(), Some(0.1));
    }

    #[test]
    fn outgoing_baggage_keeps_other_members_and_sentry_comes_first() {
        let frozen = Frozen::new(
            DynamicSamplingContext::from_baggage("sentry-trace_id=t,sentry-sampled=true"),
            vec!["vendor=up;p=1".into(), "shared=upstream".into()],
        );
        let header = frozen.baggage(Some("sentry-trace_id=stale, shared=mine, app=2"));
        assert_eq!(
            header,
            "sentry-trace_id=t,sentry-sampled=true,shared=mine,app=2,vendor=up;p=1"
        );
        assert_eq!(
            frozen.baggage(None),
            "sentry-trace_id=t,sentry-sampled=true,vendor=up;p=1,shared=upstream"
        );
    }

    #[test]
    fn generations_bound_memory_and_keep_traces_in_use() {
        let mut store = Store::default();
        let keep = trace(7);
        store.insert(
            keep,
            Entry::Head(HeadFacts {
                transaction: "keep".into(),
                sample_rate: 1.0,
            }),
        );
        for n in 0..(GENERATION as u64 * 5) {
            store.insert(
                trace(1_000 + n),
                Entry::Head(HeadFacts {
                    transaction: "x".into(),
                    sample_rate: 1.0,
                }),
            );
            if n % 1000 == 0 {
                assert!(store.get(keep).is_some(), "lost after {n}");
            }
        }
        assert!(store.young.len() + store.old.len() <= 2 * GENERATION);
        assert!(store.get(trace(1_000)).is_none());
    }
}
