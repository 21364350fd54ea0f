// `#[capture_errors]` on functions that return a future of a `Result`: async-trait methods
// (in both attribute orders), `Box::pin(async move {…})` and `-> impl Future` tails, with
// error types left to inference by the body.
#![deny(warnings)]

use std::future::Future;
use std::pin::Pin;

use async_trait::async_trait;
use monitor_runtime::{capture_errors, monitored};

#[async_trait]
trait Store {
    async fn load(&self, key: u32) -> Result<u32, String>;
    async fn save(&self, key: u32) -> Result<(), String>;
}

struct Memory;

#[async_trait]
impl Store for Memory {
    #[capture_errors]
    #[monitored]
    async fn load(&self, key: u32) -> Result<u32, String> {
        Ok(key)
    }

    #[monitored]
    #[capture_errors(tags(store = "memory"))]
    async fn save(&self, key: u32) -> Result<(), String> {
        if key == 0 {
            return Err("zero".to_owned());
        }
        Ok(())
    }
}

#[capture_errors]
fn boxed() -> Pin<Box<dyn Future<Output = Result<u32, String>> + Send>> {
    Box::pin(async move { Ok(1) })
}

#[capture_errors]
#[monitored]
fn tail() -> impl Future<Output = Result<u32, std::num::ParseIntError>> + Send {
    async { Ok("2".parse::<u32>()?) }
}

fn main() {
    let _unpolled = (Memory.load(1), Memory.save(1), boxed(), tail());
}
