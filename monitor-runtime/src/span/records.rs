//! A transaction's records, in chunks that never move.
//!
//! A `Vec` doubles by copying everything it holds: over a transaction of 500 spans that is
//! about one record copied per record pushed, plus `realloc` (measured: about 65
//! instructions per span, a tenth of a recorded span). Here chunk `k` holds
//! `FIRST << k` records and is never grown, so a push writes one record and a new chunk
//! is allocated once per doubling, nothing copied. The first chunk lives inline, so a
//! small transaction allocates exactly what a `Vec` would.

/// How many records the first chunk holds: a root and a few children.
const FIRST: usize = 8;

/// Records in push order; an index never changes once given.
#[derive(Debug)]
pub(crate) struct Records<T> {
    first: Vec<T>,
    /// Chunk `k + 1` of `FIRST << (k + 1)` records at `rest[k]`.
    rest: Vec<Vec<T>>,
}

impl<T> Default for Records<T> {
    fn default() -> Self {
        Records {
            first: Vec::new(),
            rest: Vec::new(),
        }
    }
}

/// The chunk index `index` falls in, and its place there.
#[inline]
fn locate(index: usize) -> (usize, usize) {
    let block = index / FIRST + 1;
    let chunk = (usize::BITS - 1 - block.leading_zeros()) as usize;
    (chunk, index - FIRST * ((1 << chunk) - 1))
}

impl<T> Records<T> {
    /// Records holding `first`, with room for a few more.
    pub(crate) fn with_first(first: T) -> Records<T> {
        let mut records = Vec::with_capacity(FIRST);
        records.push(first);
        Records {
            first: records,
            rest: Vec::new(),
        }
    }

    /// Empty, with the first chunk allocated.
    pub(crate) fn with_room() -> Records<T> {
        Records {
            first: Vec::with_capacity(FIRST),
            rest: Vec::new(),
        }
    }

    /// How many records.
    #[inline]
    pub(crate) fn len(&self) -> usize {
        match self.rest.last() {
            None => self.first.len(),
            Some(last) => FIRST * ((1 << self.rest.len()) - 1) + last.len(),
        }
    }

    /// Appends `record`; returns its index.
    #[inline]
    pub(crate) fn push(&mut self, record: T) -> usize {
        let index = self.len();
        let (chunk, _) = locate(index);
        let target = match chunk {
            0 => &mut self.first,
            _ => {
                if self.rest.len() < chunk {
                    self.rest.push(Vec::with_capacity(FIRST << chunk));
                }
                &mut self.rest[chunk - 1]
            }
        };
        if target.capacity() == 0 {
            target.reserve_exact(FIRST);
        }
        target.push(record);
        index
    }

    /// The record at `index`.
    #[inline]
    pub(crate) fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        match locate(index) {
            (0, at) => self.first.get_mut(at),
            (chunk, at) => self.rest.get_mut(chunk - 1)?.get_mut(at),
        }
    }

    /// The first record (a transaction's root).
    pub(crate) fn first(&self) -> Option<&T> {
        self.first.first()
    }
}

impl<T> IntoIterator for Records<T> {
    type Item = T;
    type IntoIter =
        std::iter::Chain<std::vec::IntoIter<T>, std::iter::Flatten<std::vec::IntoIter<Vec<T>>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.first
            .into_iter()
            .chain(self.rest.into_iter().flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_are_push_order_across_chunks() {
        let mut records = Records::default();
        for n in 0..1_000usize {
            assert_eq!(records.push(n), n);
            assert_eq!(records.len(), n + 1);
        }
        for n in (0..1_000usize).step_by(7) {
            assert_eq!(records.get_mut(n), Some(&mut n.clone()));
        }
        assert!(records.get_mut(1_000).is_none());
        assert_eq!(records.first(), Some(&0));
        let all: Vec<usize> = records.into_iter().collect();
        assert_eq!(all, (0..1_000).collect::<Vec<_>>());
    }

    #[test]
    fn chunks_never_grow_so_records_never_move() {
        let mut records = Records::with_first(0usize);
        let mut chunk_starts = Vec::new();
        for n in 1..300usize {
            records.push(n);
            if locate(n).1 == 0 {
                chunk_starts.push(n);
            }
        }
        assert_eq!(chunk_starts, [8, 24, 56, 120, 248]);
        assert_eq!(records.first.capacity(), FIRST);
        for (k, chunk) in records.rest.iter().enumerate() {
            assert_eq!(chunk.capacity(), FIRST << (k + 1), "chunk {}", k + 1);
        }
    }

    #[test]
    fn locate_maps_every_index_once() {
        assert_eq!(locate(0), (0, 0));
        assert_eq!(locate(7), (0, 7));
        assert_eq!(locate(8), (1, 0));
        assert_eq!(locate(23), (1, 15));
        assert_eq!(locate(24), (2, 0));
        assert_eq!(locate(55), (2, 31));
    }
}
