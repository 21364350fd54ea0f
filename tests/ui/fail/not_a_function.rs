use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored]
struct Cart;

#[breadcrumb]
impl Cart {
    fn checkout(&self) {}
}

#[capture_errors]
mod billing {}

fn main() {
    Cart.checkout();
}
