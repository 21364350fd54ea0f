// Generated code names the runtime by absolute path, so local modules named like the
// runtime or the SDK change nothing.
#![deny(warnings)]

use ::monitor_runtime::{breadcrumb, capture_errors, monitored};

#[allow(dead_code)]
mod sentry {
    pub struct Level;
    pub fn start_transaction() {}
}

#[allow(dead_code)]
mod monitor_runtime {
    pub mod __private {}
}

#[allow(dead_code)]
mod inventory {}

#[allow(dead_code)]
mod core {}

#[monitored(tags(component = "billing"))]
#[breadcrumb(level = "warning", outcome)]
#[capture_errors(level = "error")]
fn charge(amount: u32) -> Result<u32, String> {
    Ok(amount)
}

#[monitored(transaction)]
async fn job() -> u32 {
    1
}

fn main() {
    assert_eq!(charge(3), Ok(3));
    let _unpolled = job();
}
