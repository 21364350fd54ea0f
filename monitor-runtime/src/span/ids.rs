//! Trace ids, span ids, event ids and sampling draws.
//!
//! **Roots** (the hot path: most `#[monitored]` entry calls start an unsampled root) draw
//! nothing random. Each takes a [`RootSerial`]: the next number of a per-thread counter,
//! whose block of 2^32 numbers is taken from a process-wide counter, so no two roots of
//! a process share one. Its sampling draw, trace id and span-id seed are keyed mixes of
//! it (bijective in the serial, keyed by 256 bits drawn once per process), computed only
//! when something needs them: an unsampled root that no log, event or outgoing request
//! reads never computes its ids. Two roots of one process never share a trace id; two
//! processes share one only if their keys and serials line up, as unlikely as two random
//! 128-bit ids colliding.
//!
//! **Spans of a recorded trace** have ids derived from the trace's seed and their index in
//! its buffer ([`span_at`]): distinct within the trace (a bijection of `seed + index`),
//! random-looking across traces, and the same whenever they are read, so an id read while
//! the trace waits for tail sampling's decision is the id it is sent with.
//!
//! Everything else (event ids, the seeds of grafts) comes from a per-thread generator:
//! The SDK draws every id from `rand`'s ChaCha-based thread generator, which costs about a
//! thousand instructions per transaction (measured with callgrind in `benches/anchors`). Ids only need to be unique
//! across every service that joins a trace, not unpredictable, so each thread runs its own
//! xoshiro256++ (256 bits of state, a 2^256 - 1 period), seeded once per thread from the
//! operating system's randomness. Two threads, in this process or another one, share a
//! stream only if their 256-bit seeds collide.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use sentry::protocol::{SpanId, TraceId};

thread_local! {
    /// The generator's state; all zeroes until the thread's first draw seeds it. Four
    /// cells rather than one array cell, so a draw loads and stores words, not the block.
    static STATE: [Cell<u64>; 4] = const { [Cell::new(0), Cell::new(0), Cell::new(0), Cell::new(0)] };
}

/// Runs `draw` on this thread's generator state.
#[inline(always)]
fn with_state<R>(draw: impl Fn(&mut [u64; 4]) -> R) -> R {
    STATE
        .try_with(|cells| {
            let mut s = [
                cells[0].get(),
                cells[1].get(),
                cells[2].get(),
                cells[3].get(),
            ];
            if s == [0; 4] {
                s = seed();
            }
            let out = draw(&mut s);
            for (cell, word) in cells.iter().zip(s) {
                cell.set(word);
            }
            out
        })
        // Only while the thread's locals are destroyed: a fresh seed, used once.
        .unwrap_or_else(|_| draw(&mut seed()))
}

/// The next 64 random bits of this thread's stream.
#[inline]
pub(crate) fn next_u64() -> u64 {
    with_state(step)
}

/// xoshiro256++ (Blackman and Vigna), one step.
#[inline(always)]
fn step(s: &mut [u64; 4]) -> u64 {
    let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    out
}

/// 256 bits from the OS: `RandomState` keys each thread's hashers with 128 random bits
/// fetched from the OS (`getrandom` on Linux) and moves them on for every new hasher; the
/// thread id, the clock and a stack address are mixed in so that even a platform with weak
/// keys gets distinct streams per thread.
#[cold]
fn seed() -> [u64; 4] {
    let time = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let marker = 0u8;
    let mut out = [0u64; 4];
    for (index, word) in out.iter_mut().enumerate() {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_usize(index);
        hasher.write_u128(time);
        hasher.write_usize(std::ptr::addr_of!(marker) as usize);
        std::hash::Hash::hash(&std::thread::current().id(), &mut hasher);
        *word = hasher.finish();
    }
    if out == [0; 4] {
        out[0] = 0x9E37_79B9_7F4A_7C15;
    }
    out
}

/// What a root's ids and sampling draw are derived from: unique in this process.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct RootSerial(u64);

/// Numbers a thread takes from the process-wide counter at a time.
const BLOCK: u64 = 1 << 32;

/// The next block to hand out, in units of [`BLOCK`].
static NEXT_BLOCK: AtomicU64 = AtomicU64::new(1);

/// The process's keys: trace id (high and low half), span-id seed, sampling draw.
static KEYS: OnceLock<[u64; 4]> = OnceLock::new();

thread_local! {
    /// This thread's next serial; 0 until its first root (and when a block is used up).
    static SERIAL: Cell<u64> = const { Cell::new(0) };
}

#[cold]
fn new_block() -> u64 {
    // The first number of a block has its low bits set to 1, so 0 stays "no block".
    NEXT_BLOCK
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_mul(BLOCK)
        | 1
}

#[inline(always)]
fn keys() -> &'static [u64; 4] {
    KEYS.get_or_init(seed)
}

/// A bijection of 64-bit words that maps 0 to 0 (Stafford's variant 13 of the MurmurHash3
/// finaliser, as in splitmix64): every output bit depends on every input bit.
#[inline(always)]
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The serial of a new root.
#[inline]
pub(crate) fn root_serial() -> RootSerial {
    SERIAL
        .try_with(|cell| {
            let mut next = cell.get();
            if next & (BLOCK - 1) == 0 {
                next = new_block();
            }
            cell.set(next.wrapping_add(1));
            RootSerial(next)
        })
        // Only while the thread's locals are destroyed: a block of its own, used once.
        .unwrap_or_else(|_| RootSerial(new_block()))
}

impl RootSerial {
    /// `true` with probability `rate` (at or above 1 always, at or below 0 or NaN never).
    #[inline]
    pub(crate) fn sample(self, rate: f64) -> bool {
        if rate >= 1.0 {
            return true;
        }
        if rate.is_nan() || rate <= 0.0 {
            return false;
        }
        let bits = mix(self.0 ^ keys()[3]);
        unit(bits) < rate
    }

    /// The trace id of the trace this root heads.
    pub(crate) fn trace_id(self) -> TraceId {
        let keys = keys();
        trace_id_of(mix(self.0 ^ keys[0]), mix(self.0 ^ keys[1]))
    }

    /// The seed of the span ids of this root's trace (the root is span 0).
    pub(crate) fn span_seed(self) -> u64 {
        seed_of(mix(self.0 ^ keys()[2]))
    }

    /// This root's own span id.
    pub(crate) fn span_id(self) -> SpanId {
        span_at(self.span_seed(), 0)
    }
}

/// A span-id seed from 64 random bits: in `[1, 2^63)`, so that `seed + index` never wraps
/// to 0 for any index a buffer can hold.
#[inline(always)]
fn seed_of(bits: u64) -> u64 {
    (bits >> 1) | 1
}

/// A span-id seed for a trace that is not a root's (a graft).
pub(crate) fn span_seed() -> u64 {
    seed_of(next_u64())
}

/// The id of span `index` of the trace with span-id seed `seed`: never 0, distinct for
/// distinct indexes.
#[inline]
pub(crate) fn span_at(seed: u64, index: u32) -> SpanId {
    SpanId::from(mix(seed + u64::from(index)).to_le_bytes())
}

/// 53 random bits as a uniform float in [0, 1).
#[inline(always)]
fn unit(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[inline(always)]
fn trace_id_of(high: u64, low: u64) -> TraceId {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&high.to_le_bytes());
    bytes[8..].copy_from_slice(&low.to_le_bytes());
    TraceId::from(bytes)
}

/// A random version-4 UUID, for the event id of a transaction the toolkit sends.
pub(crate) fn event_id() -> sentry::types::Uuid {
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&next_u64().to_le_bytes());
    bytes[8..].copy_from_slice(&next_u64().to_le_bytes());
    // Version 4 in the high nibble of byte 6, RFC 4122 variant in the top bits of byte 8.
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    sentry::types::Uuid::from_bytes(bytes)
}

/// `true` with probability `rate` (a rate at or above 1 always, at or below 0 or NaN
/// never, without drawing).
#[inline]
pub(crate) fn sample(rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    if rate.is_nan() || rate <= 0.0 {
        return false;
    }
    unit(next_u64()) < rate
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn threads_start_from_different_seeds() {
        let first: Vec<u64> = (0..4)
            .map(|_| std::thread::spawn(next_u64).join().expect("thread"))
            .collect();
        let distinct: HashSet<_> = first.iter().collect();
        assert_eq!(distinct.len(), first.len());
    }

    #[test]
    fn sampling_follows_the_rate() {
        assert!(sample(1.0) && sample(2.0));
        assert!(!sample(0.0) && !sample(-1.0) && !sample(f64::NAN));
        let kept = (0..100_000).filter(|_| sample(0.1)).count();
        assert!(
            (9_000..11_000).contains(&kept),
            "kept {kept} of 100000 at 0.1"
        );
    }

    #[test]
    fn bits_are_balanced() {
        // Each of the 64 bit positions is set in about half of 20,000 draws.
        let draws: Vec<u64> = (0..20_000).map(|_| next_u64()).collect();
        for bit in 0..64 {
            let set = draws.iter().filter(|d| *d >> bit & 1 == 1).count();
            assert!((9_400..10_600).contains(&set), "bit {bit} set {set} times");
        }
    }

    #[test]
    fn root_ids_are_unique_across_threads_and_stable() {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..10_000)
                        .map(|_| {
                            let serial = root_serial();
                            assert_eq!(serial.trace_id(), serial.trace_id());
                            assert_eq!(serial.span_id(), span_at(serial.span_seed(), 0));
                            (serial.trace_id(), serial.span_id())
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        let mut traces = HashSet::new();
        let mut spans = HashSet::new();
        for handle in handles {
            for (trace, span) in handle.join().expect("thread") {
                assert!(traces.insert(trace), "duplicate trace id {trace}");
                assert!(spans.insert(span), "duplicate span id {span}");
            }
        }
        assert_eq!(traces.len(), 80_000);
    }

    #[test]
    fn span_ids_of_a_trace_are_distinct_and_never_zero() {
        // The largest seed: `seed + index` must not wrap.
        for seed in [seed_of(u64::MAX), seed_of(0), span_seed()] {
            let ids: HashSet<SpanId> = (0..10_000).map(|index| span_at(seed, index)).collect();
            assert_eq!(ids.len(), 10_000);
            assert!(!ids.contains(&SpanId::from([0; 8])));
        }
    }

    #[test]
    fn root_sampling_follows_the_rate() {
        let serial = root_serial();
        assert!(serial.sample(1.0) && !serial.sample(0.0) && !serial.sample(f64::NAN));
        let kept = (0..100_000).filter(|_| root_serial().sample(0.1)).count();
        assert!(
            (9_000..11_000).contains(&kept),
            "kept {kept} of 100000 at 0.1"
        );
        // Consecutive serials' draws are not correlated with each other.
        let both = (0..100_000)
            .filter(|_| root_serial().sample(0.5) && root_serial().sample(0.5))
            .count();
        assert!((23_500..26_500).contains(&both), "{both}");
    }

    #[test]
    fn event_ids_are_version_4() {
        let id = event_id();
        assert_eq!(id.get_version_num(), 4);
        assert_ne!(id, event_id());
    }
}
