// The user's attributes and docs stay on the function: `missing_docs` is satisfied by the
// doc comments, `#[inline]`, `#[must_use]` (used here), `#[deprecated]` and `#[cfg]` keep
// working. Their failing sides are in `ui/fail/must_use.rs` and `ui/fail/dead_code.rs`.
#![deny(missing_docs, warnings)]
//! Attribute preservation.

use monitor_runtime::{breadcrumb, capture_errors, monitored};

/// Adds two numbers.
#[monitored]
#[inline]
#[must_use]
pub fn add(a: u32, b: u32) -> u32 {
    a + b
}

/// Always inlined, documented after the macro.
#[breadcrumb]
#[inline(always)]
pub async fn ready() -> u32 {
    1
}

#[capture_errors]
/// Doc comment written below the macro.
#[must_use = "the outcome matters"]
pub fn parse(s: &str) -> Result<u32, std::num::ParseIntError> {
    s.parse()
}

/// Only compiled on a platform that does not exist.
#[monitored]
#[cfg(any())]
pub fn never_compiled() -> u32 {
    compile_error!("a cfg'd-out function must not be compiled")
}

/// Deprecated, and allowed at the call.
#[monitored]
#[deprecated = "use add"]
pub fn old_add(a: u32, b: u32) -> u32 {
    a + b
}

fn main() {
    assert_eq!(add(1, 2), 3);
    let _unpolled = ready();
    assert_eq!(parse("4"), Ok(4));
    #[allow(deprecated)]
    let three = old_add(1, 2);
    assert_eq!(three, 3);
}
