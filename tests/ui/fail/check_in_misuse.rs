use monitor_runtime::monitored;

#[monitored(check_in(slug = "job", heartbeat = true))]
fn heartbeat_with_value() {}

#[monitored(check_in(slug = "job", heartbeats))]
fn misspelt() {}

#[monitored(check_in(slug = "job", max_runtime = 18446744073709551616, checkin_margin = -1))]
fn out_of_range() {}

#[monitored(check_in(heartbeat))]
fn without_slug() {}

fn main() {}
