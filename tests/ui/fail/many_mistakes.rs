use monitor_runtime::monitored;

#[monitored(
    nmae = "a",
    op = 1,
    sample_rate = 3.0,
    transaction,
    span,
    data(missing)
)]
fn everything_wrong(present: u32) {
    let _ = present;
}

fn main() {
    everything_wrong(1);
}
