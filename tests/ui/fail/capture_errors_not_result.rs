use std::future::Future;

use monitor_runtime::capture_errors;

#[capture_errors]
fn returns_u32() -> u32 {
    1
}

#[capture_errors]
fn returns_unit() {}

#[capture_errors]
fn returns_option() -> Option<u32> {
    None
}

// A function returning a future is checked on the future's output.
#[capture_errors]
fn future_of_u32() -> impl Future<Output = u32> {
    async { 1 }
}

fn main() {
    let _ = returns_u32();
    returns_unit();
    let _ = returns_option();
    let _ = future_of_u32();
}
