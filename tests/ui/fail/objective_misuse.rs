use monitor_runtime::monitored;

#[monitored(objective)]
fn without_list() {}

#[monitored(objective())]
fn empty() {}

#[monitored(objective(success = 100, latency = "fast"))]
fn out_of_range() {}

#[monitored(objective(success = 0.0))]
fn zero() {}

#[monitored(objective(success = 99.9, percentile = 99))]
fn percentile_without_latency() {}

#[monitored(objective(succes = 99.9, latency = 250))]
fn wrong_key_and_kind() {}

fn main() {}
