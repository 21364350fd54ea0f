use monitor_runtime::monitored;

#[monitored(short_name = true)]
fn short_name_with_value() {}

#[monitored(name = "checkout", short_name)]
fn named_twice() {}

#[monitored(busy_time(poll))]
fn busy_time_with_arguments() {}

#[monitored(metrics = "red")]
fn metrics_with_value() {}

fn main() {}
