use monitor_runtime::monitored;

#[monitored]
const fn unit() {}

fn main() {
    unit();
}
