// `short_name`, `busy_time` and heartbeat check-ins.
#![deny(warnings)]

use monitor_runtime::monitored;

struct Cart;

impl Cart {
    #[monitored(short_name, busy_time)]
    fn total(&self) -> u32 {
        1
    }

    #[monitored(short_name, busy_time)]
    async fn refresh(&self) -> u32 {
        2
    }
}

#[monitored(check_in(slug = "inventory-sync", heartbeat))]
fn inventory_sync() -> Result<(), String> {
    Ok(())
}

#[monitored(check_in(slug = "digest", heartbeat, schedule = "0 * * * *", max_runtime = 5))]
async fn digest() {}

fn main() {
    let _ = Cart.total();
    let _ = Cart.refresh();
    let _ = inventory_sync();
    let _ = digest();
}
