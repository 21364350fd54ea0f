//! Option keys as types, and the one loop that checks them.
//!
//! Every list of options (an attribute's, `check_in(...)`, `objective(...)`) has its keys
//! declared as an enum with [`option_keys!`]. [`each_option`] rejects unknown, duplicate
//! and conflicting keys the same way for all of them, then hands each accepted option to
//! a closure that `match`es on the enum: a key without an arm is a compile error of this
//! crate, not an option silently ignored.

use proc_macro2::{Ident, Span};
use syn::ext::IdentExt;

use super::syntax::{RawOption, RawValue};
use crate::diag::Errors;

/// The keys of one option list.
pub trait OptionKey: Copy + Eq + 'static {
    /// Every key, in the order error messages list them.
    const ALL: &'static [Self];

    /// The key as written.
    fn name(self) -> &'static str;

    /// Why `self` cannot be given together with `other`, if it cannot.
    fn conflict(self, other: Self) -> Option<&'static str> {
        let _ = other;
        None
    }

    /// The key written `name`, if any.
    fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|key| key.name() == name)
    }

    /// `a, b, c`: every key, for messages.
    fn list() -> String {
        Self::ALL
            .iter()
            .map(|key| key.name())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Declares an enum of option keys and its [`OptionKey`] implementation (without
/// conflicts; a list with conflicts implements `conflict` by hand with
/// `option_keys!(… conflicts …)`).
macro_rules! option_keys {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $($variant:ident = $text:literal),* $(,)? }
        $(conflicts($this:ident, $other:ident) $conflicts:block)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $name { $($variant),* }

        impl $crate::args::keys::OptionKey for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),*];

            fn name(self) -> &'static str {
                match self { $(Self::$variant => $text),* }
            }

            $(
                fn conflict(self, other: Self) -> Option<&'static str> {
                    let ($this, $other) = (self, other);
                    $conflicts
                }
            )?
        }
    };
}
pub(crate) use option_keys;

/// One accepted option: its key, the identifier as written (for spans and messages), and
/// its value.
pub struct Accepted<K> {
    pub key: K,
    pub ident: Ident,
    pub value: RawValue,
}

impl<K: OptionKey> Accepted<K> {
    pub fn span(&self) -> Span {
        self.ident.span()
    }

    pub fn name(&self) -> &'static str {
        self.key.name()
    }
}

/// Checks every option of one list, then calls `apply` on each accepted one, in order.
///
/// An unknown key gets `unknown(key)` as its message; a repeated key, or one that
/// conflicts with a key before it, is reported on its second occurrence and skipped.
pub fn each_option<K: OptionKey>(
    options: impl IntoIterator<Item = RawOption>,
    place: &str,
    unknown: &dyn Fn(&str) -> String,
    errors: &mut Errors,
    mut apply: impl FnMut(Accepted<K>, &mut Errors),
) {
    let mut seen: Vec<K> = Vec::new();
    for option in options {
        let written = option.key.unraw().to_string();
        let span = option.key.span();
        let Some(key) = K::from_name(&written) else {
            errors.push(syn::Error::new(span, unknown(&written)));
            continue;
        };
        if seen.contains(&key) {
            errors.push(syn::Error::new(
                span,
                format!("duplicate option `{written}` {place}"),
            ));
            continue;
        }
        let conflict = seen.iter().find_map(|&before| {
            key.conflict(before)
                .or_else(|| before.conflict(key))
                .map(|why| (before, why))
        });
        if let Some((before, why)) = conflict {
            errors.push(syn::Error::new(
                span,
                format!("`{written}` conflicts with `{}`: {why}", before.name()),
            ));
            continue;
        }
        seen.push(key);
        apply(
            Accepted {
                key,
                ident: option.key,
                value: option.value,
            },
            errors,
        );
    }
}

/// "unknown option `x` in …; did you mean `y`? Expected one of: …".
pub fn unknown_key<K: OptionKey>(key: &str, place: &str) -> String {
    let valid = K::list();
    match closest(key, K::ALL.iter().map(|k| k.name())) {
        Some(close) => {
            format!(
                "unknown option `{key}` {place}; did you mean `{close}`? Expected one of: {valid}"
            )
        }
        None => format!("unknown option `{key}` {place}; expected one of: {valid}"),
    }
}

/// The candidate within one typo of a short key, two of a longer one.
pub fn closest<'a>(key: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let limit = if key.len() <= 3 { 1 } else { 2 };
    candidates
        .map(|candidate| (edit_distance(key, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Levenshtein distance, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distances() {
        assert_eq!(edit_distance("mesage", "message"), 1);
        assert_eq!(edit_distance("nmae", "name"), 2);
        assert_eq!(edit_distance("", "op"), 2);
    }

    #[test]
    fn closest_keys() {
        let keys = ["name", "op", "sample_rate"];
        assert_eq!(closest("nmae", keys.into_iter()), Some("name"));
        assert_eq!(closest("id", keys.into_iter()), None);
        assert_eq!(closest("sample_rat", keys.into_iter()), Some("sample_rate"));
    }
}
