use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(name = 5)]
fn name_is_a_number() {}

#[monitored(sample_rate = "0.5")]
fn rate_is_a_string() {}

#[breadcrumb(level = 3)]
fn level_is_a_number() {}

#[capture_errors(error_type = proxmox)]
fn error_type_is_an_ident() -> Result<(), String> {
    Ok(())
}

fn main() {
    name_is_a_number();
    rate_is_a_string();
    level_is_a_number();
    let _ = error_type_is_an_ident();
}
