// `#[must_use]` survives the expansion: ignoring the result is still reported, on the call.
#![deny(unused_must_use)]

use monitor_runtime::{breadcrumb, monitored};

#[monitored]
#[must_use]
fn total() -> u32 {
    1
}

#[breadcrumb]
#[must_use = "the receipt must be kept"]
async fn receipt() -> u32 {
    2
}

fn main() {
    total();
    receipt();
}
