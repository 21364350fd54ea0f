use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(data(gone))]
fn monitored_gone(#[cfg(any())] gone: u32) {}

#[breadcrumb(data(gone))]
fn breadcrumb_gone(#[cfg(not(all()))] gone: u32) {}

#[capture_errors(tags(gone))]
fn capture_gone(#[cfg(any())] gone: u32) -> Result<(), String> {
    Ok(())
}

fn main() {}
