// A parameter under a `#[cfg]` that holds can be named in `tags(...)`/`data(...)` of
// every macro; one that does not hold may be in the signature as long as nothing names it.
#![deny(warnings)]

use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(data(kept), tags(kept))]
#[breadcrumb(data(kept), message = "kept {kept}")]
#[capture_errors(data(kept), tags(kept))]
fn stacked(#[cfg(all())] kept: u32, #[cfg(any())] gone: u32) -> Result<u32, String> {
    Ok(kept)
}

#[monitored(data(kept))]
async fn asynchronous(#[cfg(all())] kept: u32) -> u32 {
    kept
}

fn main() {
    let _ = stacked(1);
    let _ = asynchronous(2);
}
