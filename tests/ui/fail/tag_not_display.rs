use monitor_runtime::{capture_errors, monitored};

struct Tenant {
    id: u32,
}

#[monitored(tags(tenant = tenant))]
fn span_tag(tenant: &Tenant) {
    let _ = tenant.id;
}

#[capture_errors(tags(tenant))]
fn event_tag(tenant: Tenant) -> Result<(), String> {
    let _ = tenant.id;
    Ok(())
}

fn main() {
    span_tag(&Tenant { id: 1 });
    let _ = event_tag(Tenant { id: 1 });
}
