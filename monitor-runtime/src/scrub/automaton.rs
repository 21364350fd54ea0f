//! A multi-stem matcher compiled once: an Aho–Corasick automaton turned into a full
//! transition table, so that finding every stem in a key costs one table lookup per byte,
//! however many stems there are (the built-in ones and the user's).

/// One stem that ends at a position of the haystack, with the caller's tag saying what it
/// is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Found<K> {
    pub(crate) len: usize,
    pub(crate) kind: K,
}

/// The compiled automaton.
#[derive(Debug, Clone)]
pub(crate) struct Automaton<K> {
    /// Byte → column of the table; bytes no stem contains share column 0.
    columns: [u8; 256],
    width: usize,
    /// `next[state * width + column]`: the state after reading a byte of that column.
    next: Vec<u32>,
    /// The stems that end in each state (following failure links), mostly empty.
    found: Vec<Box<[Found<K>]>>,
}

const NONE: u32 = u32::MAX;

impl<K: Copy + PartialEq> Automaton<K> {
    /// Compiles `stems`; empty stems are ignored.
    pub(crate) fn new<'a>(stems: impl IntoIterator<Item = (&'a [u8], K)>) -> Self {
        let stems: Vec<(&[u8], K)> = stems.into_iter().filter(|(s, _)| !s.is_empty()).collect();
        let mut columns = [0u8; 256];
        let mut width = 1usize;
        for &b in stems.iter().flat_map(|(s, _)| s.iter()) {
            if columns[usize::from(b)] == 0 {
                // At most 255 distinct bytes get a column of their own; the rest share 0,
                // which can only make a stem with such bytes match less.
                if let Ok(column) = u8::try_from(width) {
                    columns[usize::from(b)] = column;
                    width += 1;
                }
            }
        }

        // The trie.
        let mut goto: Vec<u32> = vec![NONE; width];
        let mut own: Vec<Vec<Found<K>>> = vec![Vec::new()];
        for &(stem, kind) in &stems {
            let mut state = 0usize;
            for &b in stem {
                let slot = state * width + usize::from(columns[usize::from(b)]);
                state = match goto[slot] {
                    NONE => {
                        let new = own.len();
                        own.push(Vec::new());
                        goto.extend(std::iter::repeat_n(NONE, width));
                        goto[slot] = u32::try_from(new).unwrap_or(NONE);
                        new
                    }
                    existing => existing as usize,
                };
            }
            let found = Found {
                len: stem.len(),
                kind,
            };
            if !own[state].contains(&found) {
                own[state].push(found);
            }
        }

        // Failure links in breadth-first order, completing the table as we go.
        let states = own.len();
        let mut next = goto;
        let mut fail = vec![0usize; states];
        let mut found: Vec<Vec<Found<K>>> = own;
        let mut queue = std::collections::VecDeque::new();
        for slot in next.iter_mut().take(width) {
            match *slot {
                NONE => *slot = 0,
                child => queue.push_back(child as usize),
            }
        }
        while let Some(state) = queue.pop_front() {
            let inherited = found[fail[state]].clone();
            found[state].extend(inherited);
            for column in 0..width {
                let slot = state * width + column;
                let via_fail = next[fail[state] * width + column];
                match next[slot] {
                    NONE => next[slot] = via_fail,
                    child => {
                        fail[child as usize] = via_fail as usize;
                        queue.push_back(child as usize);
                    }
                }
            }
        }
        Self {
            columns,
            width,
            next,
            found: found.into_iter().map(Vec::into_boxed_slice).collect(),
        }
    }

    /// The column of byte `b` in the table, for [`step`](Self::step).
    pub(crate) fn column(&self, b: u8) -> u8 {
        self.columns[usize::from(b)]
    }

    /// The state after `state` reads a byte of `column`, and whether some stem ends there.
    #[inline]
    pub(crate) fn step(&self, state: usize, column: u8) -> (usize, bool) {
        let next = self
            .next
            .get(state * self.width + usize::from(column))
            .map_or(0, |&s| s as usize);
        (next, self.found.get(next).is_some_and(|f| !f.is_empty()))
    }

    /// Calls `on` for every stem occurrence in `hay`, with the index just past its end,
    /// until `on` returns `true`; returns whether it did.
    pub(crate) fn any(&self, hay: &[u8], mut on: impl FnMut(usize, Found<K>) -> bool) -> bool {
        let mut state = 0usize;
        for (i, &b) in hay.iter().enumerate() {
            let column = usize::from(self.columns[usize::from(b)]);
            state = self
                .next
                .get(state * self.width + column)
                .map_or(0, |&s| s as usize);
            if let Some(found) = self.found.get(state)
                && !found.is_empty()
                && found.iter().any(|&f| on(i + 1, f))
            {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ends(a: &Automaton<()>, hay: &str) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        a.any(hay.as_bytes(), |end, f| {
            out.push((end, f.len));
            false
        });
        out
    }

    #[test]
    fn finds_every_occurrence_including_overlaps() {
        let a = Automaton::new([
            (&b"token"[..], ()),
            (b"ken", ()),
            (b"session", ()),
            (b"sessid", ()),
        ]);
        assert_eq!(ends(&a, "xtokenx"), [(6, 5), (6, 3)]);
        assert_eq!(ends(&a, "phpsessid"), [(9, 6)]);
        assert_eq!(ends(&a, "sesssession"), [(11, 7)]);
        assert_eq!(ends(&a, "nothing"), []);
        assert_eq!(ends(&a, ""), []);
    }

    #[test]
    fn user_stems_may_hold_any_byte() {
        let a = Automaton::new([("ключ".as_bytes(), ()), (b"", ())]);
        assert_eq!(ends(&a, "мойключ"), [("мойключ".len(), "ключ".len())]);
        assert!(!a.any(b"", |_, _| true));
    }
}
