use monitor_runtime::monitored;

#[monitored(transaction, span)]
fn transaction_and_span() {}

#[monitored(check_in(slug = "nightly", interval = "1 day", schedule = "0 3 * * *"))]
fn interval_and_schedule() {}

fn main() {
    transaction_and_span();
    interval_and_schedule();
}
