// `metrics` and `objective(...)` on every shape.
#![deny(warnings)]

use monitor_runtime::monitored;

#[monitored(metrics)]
fn plain() -> u32 {
    1
}

#[monitored(metrics, objective(success = 99.9))]
fn checked(fail: bool) -> Result<u32, String> {
    if fail { Err("no".into()) } else { Ok(1) }
}

#[monitored(objective(name = "api", latency = "250ms", percentile = 99))]
async fn fetch() -> Result<u32, std::io::Error> {
    Ok(2)
}

#[monitored(metrics, objective(success = 99.5, latency = "1.5s"))]
fn never() -> ! {
    std::process::exit(0)
}

fn main() {
    let _ = plain();
    let _ = checked(false);
    let _ = fetch();
    if plain() == 0 {
        never();
    }
}
