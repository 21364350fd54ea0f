//! Trace ids, span ids, event ids and sampling draws from a per-thread generator.
//!
//! The SDK draws every id from `rand`'s ChaCha-based thread generator, which costs about a
//! thousand instructions per transaction (measured with callgrind in `benches/anchors`). Ids only need to be unique
//! across every service that joins a trace, not unpredictable, so each thread runs its own
//! xoshiro256++ (256 bits of state, a 2^256 - 1 period), seeded once per thread from the
//! operating system's randomness. Two threads, in this process or another one, share a
//! stream only if their 256-bit seeds collide.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

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

/// A new random trace id and a span id for its root, in one draw.
#[inline]
pub(crate) fn trace_and_span_id() -> (TraceId, SpanId) {
    with_state(|s| {
        let high = step(s);
        let low = step(s);
        let span = nonzero(s);
        (trace_id_of(high, low), SpanId::from(span.to_le_bytes()))
    })
}

/// A new random span id, never all zeroes (the protocol's "no span").
#[inline]
pub(crate) fn span_id() -> SpanId {
    SpanId::from(with_state(nonzero).to_le_bytes())
}

#[inline(always)]
fn nonzero(s: &mut [u64; 4]) -> u64 {
    loop {
        let bits = step(s);
        if bits != 0 {
            return bits;
        }
    }
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
    // 53 random bits give a uniform float in [0, 1).
    let unit = (next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64);
    unit < rate
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn ids_are_unique_across_threads() {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                std::thread::spawn(|| {
                    (0..10_000)
                        .map(|_| {
                            let (trace, root) = trace_and_span_id();
                            assert_ne!(root, span_id());
                            (trace, root)
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
    fn event_ids_are_version_4() {
        let id = event_id();
        assert_eq!(id.get_version_num(), 4);
        assert_ne!(id, event_id());
    }
}
