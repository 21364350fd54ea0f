//! What a span is started from: its kind, and its name and op, fixed at the annotated function's site or given at run time.

use super::trace::{DEFAULT_OP, Names, Text};
use crate::registry::FnSite;

/// Whether a monitored call starts a transaction, a child span, or either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SpanKind {
    /// A child of the current span, else a new transaction.
    #[default]
    Auto,
    /// Always a new transaction. When a span is current, the new transaction continues
    /// its trace, so the two stay linked.
    Transaction,
    /// Only a child span: nothing happens when no span is current.
    Span,
}

/// What a span is started from: a monitored function's static site, or a description
/// built at run time. Two words: it is passed by value through the start's layers, and
/// names are resolved only for spans that need one.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SpanSpec<'a> {
    /// A `#[monitored]` function.
    Site(&'static FnSite, SpanKind),
    /// A [`PerformanceMonitor`](crate::PerformanceMonitor) or another hand-made span.
    Dynamic(&'a DynamicSpec),
}

/// A span described at run time.
#[derive(Debug, Clone)]
pub(crate) struct DynamicSpec {
    pub(crate) name: Text,
    pub(crate) op: Text,
    pub(crate) kind: SpanKind,
    pub(crate) sample_rate: Option<f32>,
}

impl SpanSpec<'_> {
    #[inline]
    pub(crate) fn kind(self) -> SpanKind {
        match self {
            SpanSpec::Site(_, kind) => kind,
            SpanSpec::Dynamic(spec) => spec.kind,
        }
    }

    #[inline]
    pub(super) fn sample_rate(self) -> Option<f32> {
        match self {
            SpanSpec::Site(site, _) => site.sample_rate,
            SpanSpec::Dynamic(spec) => spec.sample_rate,
        }
    }

    /// The names to record: a monitored function's in one word, inline on the hot path.
    #[inline]
    pub(crate) fn names(self) -> Names {
        match self {
            SpanSpec::Site(site, _) => Names::Site(site),
            SpanSpec::Dynamic(spec) => dynamic_names(spec),
        }
    }

    pub(crate) fn name_str(&self) -> &str {
        match self {
            SpanSpec::Site(site, _) => site.name(),
            SpanSpec::Dynamic(spec) => &spec.name,
        }
    }

    pub(super) fn op_str(&self) -> &str {
        match self {
            SpanSpec::Site(site, _) => site.op.unwrap_or(DEFAULT_OP),
            SpanSpec::Dynamic(spec) => &spec.op,
        }
    }

    pub(super) fn site(self) -> Option<&'static FnSite> {
        match self {
            SpanSpec::Site(site, _) => Some(site),
            SpanSpec::Dynamic(_) => None,
        }
    }
}

/// The names of a span described at run time (they are copied into its record).
#[inline(never)]
fn dynamic_names(spec: &DynamicSpec) -> Names {
    Names::Text(Box::new((spec.op.clone(), spec.name.clone())))
}
