use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored]
struct Cart;

#[breadcrumb]
enum Payment {
    Card,
}

#[capture_errors]
mod billing {}

fn main() {
    let _ = (Cart, Payment::Card);
}
