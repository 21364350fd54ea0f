use monitor_runtime::{breadcrumb, monitored};

#[monitored(name = "a", name = "b")]
fn duplicate_name() {}

#[breadcrumb(outcome, outcome)]
fn duplicate_flag() {}

#[monitored(tags(tenant = "a", tenant = "b"))]
fn duplicate_tag_key() {}

fn main() {
    duplicate_name();
    duplicate_flag();
    duplicate_tag_key();
}
