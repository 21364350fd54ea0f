//! What `#[monitored(parent = …)]` and `#[monitored(follows_from = …)]` accept: anything
//! that names a span.

use sentry::TransactionOrSpan;

use crate::PerformanceMonitor;
use crate::propagation::PropagationContext;

/// A span to start under (`parent = …`) or to link to (`follows_from = …`), or none.
///
/// Obtained from a value through [`IntoParent`]; it has no public constructor.
#[derive(Debug, Clone, Default)]
pub struct Parent(pub(crate) ParentKind);

#[derive(Debug, Clone, Default)]
pub(crate) enum ParentKind {
    /// No parent: a new trace.
    #[default]
    None,
    /// A span of this process.
    Span(TransactionOrSpan),
    /// The caller's span in another service, as received.
    Remote(PropagationContext),
}

impl Parent {
    /// No parent: `parent = None` starts a new trace, as with `tracing`'s `parent = None`.
    pub const NONE: Parent = Parent(ParentKind::None);

    fn span(span: TransactionOrSpan) -> Parent {
        Parent(ParentKind::Span(span))
    }
}

/// A value that names a span, for `#[monitored(parent = …)]` and
/// `#[monitored(follows_from = …)]`.
///
/// Implemented for a [`PerformanceMonitor`], the SDK's span handles
/// ([`sentry::TransactionOrSpan`], [`sentry::Transaction`], [`sentry::Span`]), a trace
/// received from another service ([`PropagationContext`], from
/// [`propagation::extract`](crate::propagation::extract)), references to them, and
/// `Option`s of them (`None` is "no parent": a new trace, or no link). Implement it for a
/// handle of your own by returning the [`Parent`] of a value above.
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
    fn to_parent(&self) -> Parent;
}

impl IntoParent for Parent {
    fn to_parent(&self) -> Parent {
        self.clone()
    }
}

impl IntoParent for PerformanceMonitor {
    fn to_parent(&self) -> Parent {
        self.span().cloned().map(Parent::span).unwrap_or_default()
    }
}

impl IntoParent for TransactionOrSpan {
    fn to_parent(&self) -> Parent {
        Parent::span(self.clone())
    }
}

impl IntoParent for sentry::Transaction {
    fn to_parent(&self) -> Parent {
        Parent::span(TransactionOrSpan::Transaction(self.clone()))
    }
}

impl IntoParent for sentry::Span {
    fn to_parent(&self) -> Parent {
        Parent::span(TransactionOrSpan::Span(self.clone()))
    }
}

/// The caller's span in another service: the span starts a transaction that continues
/// its trace, as [`PropagationContext::continue_with`] does.
impl IntoParent for PropagationContext {
    fn to_parent(&self) -> Parent {
        Parent(ParentKind::Remote(self.clone()))
    }
}

impl<T: IntoParent + ?Sized> IntoParent for &T {
    fn to_parent(&self) -> Parent {
        (**self).to_parent()
    }
}

impl<T: IntoParent> IntoParent for Option<T> {
    fn to_parent(&self) -> Parent {
        self.as_ref().map(IntoParent::to_parent).unwrap_or_default()
    }
}
