use monitor_runtime::{breadcrumb, monitored};

#[monitored]
#[monitored(op = "db.query")]
fn twice() {}

#[breadcrumb]
#[monitored]
#[breadcrumb(outcome)]
fn twice_around_another() {}

fn main() {
    twice();
    twice_around_another();
}
