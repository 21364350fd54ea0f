use monitor_runtime::monitored;

#[monitored(ret)]
fn returns_nothing() {}

#[monitored(ret)]
async fn async_returns_nothing() {}

#[monitored(ret(json))]
fn unknown_format() -> u32 {
    1
}

#[monitored(ret = true)]
fn with_a_value() -> u32 {
    1
}

#[monitored(ret)]
fn never() -> ! {
    loop {}
}

fn main() {}
