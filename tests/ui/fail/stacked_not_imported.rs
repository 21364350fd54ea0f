// A stacked toolkit attribute that is not imported is reported on its path, as it would
// be without the outer macro.
use monitor_runtime::monitored;

#[monitored]
#[capture_errors]
fn stacked() -> Result<(), String> {
    Ok(())
}

fn main() {
    let _ = stacked();
}
