//! Stack traces of error events: captured cheaply where the error happens, symbolicated
//! later, off the application's thread.
//!
//! * On the caller's thread ([`capture`]), only the raw return addresses of at most
//!   [`MAX_FRAMES`] frames are recorded, into frames that carry nothing but
//!   `instruction_addr`. No symbol is looked up and no debug information is read, so the cost
//!   is paid only on the error path and stays in the order of the unwinding itself.
//! * In the transport's preparation stage ([`Symbolicator`]), each such frame is resolved to
//!   its function, file and line (inlined calls become frames of their own), every frame is
//!   classified as in-app or not ([`in_app`]), and the frames of the capturing machinery
//!   (the toolkit, the SDK, `tracing`, the panic runtime, the unwinder) are trimmed from the
//!   top, so the first frame a user sees is their own code.
//!
//! Errors that carry their own backtrace (an `anyhow::Error` created with `RUST_BACKTRACE`
//! or `RUST_LIB_BACKTRACE` set) keep it: it points at where the error was created, not where
//! it was reported, and no second stack is captured.

mod capture;
pub(crate) mod in_app;
mod symbolicate;

pub(crate) use self::capture::attach_if_missing;
#[cfg(test)]
pub(crate) use self::capture::capture;
pub(crate) use self::symbolicate::Symbolicator;

/// The most frames recorded per stack: enough for the toolkit's and the SDK's own frames
/// plus the application's deepest handlers, while bounding the unwinding cost.
pub(crate) const MAX_FRAMES: usize = 64;
