// The sync body runs in a closure; type errors must still point at the user's expression,
// with the note on the return type.
use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored]
fn unit() {
    ""
}

#[monitored]
fn simple_mismatch() -> String {
    ""
}

#[breadcrumb(outcome)]
fn early_return() -> String {
    if true {
        return "";
    }
    String::new()
}

#[capture_errors]
fn wrong_type_in_body() -> Result<u32, std::num::ParseIntError> {
    let n: u32 = "1";
    Ok(n)
}

fn main() {}
