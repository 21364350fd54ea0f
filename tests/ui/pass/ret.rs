// `ret`, `ret(display)`, `ret(debug)` on sync, async, `Result`, generic and borrowed
// returns compile without warnings.
#![deny(warnings)]

use monitor_runtime::monitored;

#[derive(Debug, serde::Serialize)]
struct Order {
    id: u32,
}

#[monitored(ret)]
fn order() -> Order {
    Order { id: 1 }
}

#[monitored(ret)]
fn parsed(text: &str) -> Result<u32, std::num::ParseIntError> {
    text.parse()
}

#[monitored(ret(display))]
async fn greeting(name: &str) -> String {
    format!("hello {name}")
}

#[monitored(ret(debug))]
fn generic<T: std::fmt::Debug + Clone>(value: &T) -> T {
    value.clone()
}

#[monitored(ret)]
fn first(values: &mut Vec<u32>) -> &mut u32 {
    &mut values[0]
}

fn main() {
    let _ = order();
    let _ = parsed("1");
    let _ = greeting("ada");
    let _ = generic(&[1u8]);
    let mut values = vec![1];
    *first(&mut values) += 1;
}
