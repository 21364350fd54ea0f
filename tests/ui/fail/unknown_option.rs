use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(bogus = 1)]
fn monitored_fn() {}

#[breadcrumb(mesage = "typo")]
fn breadcrumb_fn() {}

#[capture_errors(sample_rate = 0.5)]
fn capture_fn() -> Result<(), String> {
    Ok(())
}

fn main() {
    monitored_fn();
    breadcrumb_fn();
    let _ = capture_fn();
}
