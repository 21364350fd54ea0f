use monitor_runtime::{breadcrumb, capture_errors};

#[breadcrumb(level = "verbose")]
fn breadcrumb_fn() {}

#[capture_errors(level = "critical")]
fn capture_fn() -> Result<(), String> {
    Ok(())
}

fn main() {
    breadcrumb_fn();
    let _ = capture_fn();
}
