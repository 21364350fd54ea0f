use monitor_runtime::monitored;

#[monitored(sample_rate = 1.5)]
fn above_one() {}

#[monitored(sample_rate = -0.1)]
fn negative() {}

#[monitored(sample_rate = 2)]
fn integer_above_one() {}

fn main() {
    above_one();
    negative();
    integer_above_one();
}
