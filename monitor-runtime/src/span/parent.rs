//! What `#[monitored(parent = …)]` and `#[monitored(follows_from = …)]` accept: anything
//! that names a span, turned into a [`ParentSpan`].

use sentry::TransactionOrSpan;

use super::context::{ParentSpan, SpanHandle};
use super::current::Current;
use crate::PerformanceMonitor;

/// A value that names a span, for `#[monitored(parent = …)]` and
/// `#[monitored(follows_from = …)]`.
///
/// Implemented for a [`PerformanceMonitor`], a [`SpanHandle`], a [`ParentSpan`], the SDK's
/// span handles ([`sentry::TransactionOrSpan`], [`sentry::Transaction`], [`sentry::Span`]),
/// a trace received from another service ([`PropagationContext`](crate::propagation::PropagationContext), from
/// [`propagation::extract`](crate::propagation::extract)), references to them, and
/// `Option`s of them (`None` is "no parent": a new trace, or no link, as `tracing` reads
/// `parent = None`). Implement it for a handle of your own by returning the
/// [`ParentSpan`] of a value above.
///
/// ```
/// use monitor_runtime::{PerformanceMonitor, monitored};
///
/// #[monitored(parent = batch)]
/// fn process(batch: &PerformanceMonitor, item: u32) -> u32 {
///     item * 2
/// }
///
/// let batch = PerformanceMonitor::start("batch");
/// assert_eq!(process(&batch, 21), 42);
/// ```
pub trait IntoParent {
    /// The span this value names, if any.
    fn to_parent(&self) -> ParentSpan;
}

impl IntoParent for ParentSpan {
    fn to_parent(&self) -> ParentSpan {
        self.clone()
    }
}

/// A monitor that records nothing and has no ids (no client) names no span: a new trace.
impl IntoParent for PerformanceMonitor {
    fn to_parent(&self) -> ParentSpan {
        self.handle()
            .map_or_else(ParentSpan::new_trace, ParentSpan::from)
    }
}

impl IntoParent for SpanHandle {
    fn to_parent(&self) -> ParentSpan {
        ParentSpan::from(self)
    }
}

impl IntoParent for TransactionOrSpan {
    fn to_parent(&self) -> ParentSpan {
        ParentSpan::from(&SpanHandle {
            current: Current::Sdk(self.clone()),
        })
    }
}

impl IntoParent for sentry::Transaction {
    fn to_parent(&self) -> ParentSpan {
        TransactionOrSpan::Transaction(self.clone()).to_parent()
    }
}

impl IntoParent for sentry::Span {
    fn to_parent(&self) -> ParentSpan {
        TransactionOrSpan::Span(self.clone()).to_parent()
    }
}

impl<T: IntoParent + ?Sized> IntoParent for &T {
    fn to_parent(&self) -> ParentSpan {
        (**self).to_parent()
    }
}

impl<T: IntoParent> IntoParent for Option<T> {
    fn to_parent(&self) -> ParentSpan {
        self.as_ref()
            .map_or_else(ParentSpan::new_trace, IntoParent::to_parent)
    }
}
