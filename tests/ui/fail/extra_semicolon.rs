use monitor_runtime::monitored;

#[monitored]
async fn extra_semicolon() -> i32 {
    1;
}

#[monitored]
fn extra_semicolon_sync() -> i32 {
    1;
}

fn main() {}
