//! The expansion under `clippy::pedantic`: each macro on sync, async and method shapes,
//! in a crate that denies every pedantic lint and every warning. CI checks it with
//! `cargo clippy --all-targets -- -D warnings`; trybuild does not run clippy, so
//! `ui/pass/deny_warnings.rs` only covers rustc's lints.
#![deny(clippy::pedantic, warnings)]

use std::future::Future;
use std::num::ParseIntError;
use std::pin::Pin;

use async_trait::async_trait;
use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored]
fn sync_unit() {}

#[monitored(name = "parse", op = "parse", tags(kind = "number"), data(input))]
fn sync_value(input: &str) -> usize {
    input.len()
}

#[breadcrumb(
    message = "parsing {input}",
    category = "parse",
    level = "debug",
    outcome
)]
#[capture_errors(error_type = "parse", level = "warning", tags(input = input))]
fn sync_result(input: &str) -> Result<u32, ParseIntError> {
    let value = input.parse::<u32>()?;
    Ok(value + 1)
}

#[monitored(transaction, sample_rate = 0.5)]
#[breadcrumb]
#[capture_errors]
async fn async_result(input: &str) -> Result<u32, ParseIntError> {
    tokio::task::yield_now().await;
    sync_result(input)
}

#[monitored(span)]
async fn async_unit() {
    tokio::task::yield_now().await;
}

#[breadcrumb(outcome)]
fn future_tail() -> impl Future<Output = u32> + Send {
    async { 7 }
}

#[monitored]
#[capture_errors]
fn boxed_tail() -> Pin<Box<dyn Future<Output = Result<u32, String>> + Send>> {
    Box::pin(async move { Ok(8) })
}

#[monitored]
#[capture_errors]
#[track_caller]
fn caller(input: &str) -> Result<u32, ParseIntError> {
    input.parse()
}

#[monitored]
fn borrowed(values: &mut Vec<u32>) -> &mut u32 {
    values.push(0);
    &mut values[0]
}

#[monitored]
fn never_returns() -> ! {
    panic!("never returns")
}

struct Cart {
    items: Vec<u32>,
}

impl Cart {
    #[monitored(data(count = self.items.len()))]
    fn total(&self) -> u32 {
        self.items.iter().sum()
    }

    #[breadcrumb(data(item), outcome)]
    #[capture_errors]
    fn add(&mut self, item: u32) -> Result<usize, String> {
        if item == 0 {
            return Err("empty item".to_owned());
        }
        self.items.push(item);
        Ok(self.items.len())
    }

    #[monitored]
    async fn refresh(&mut self) -> usize {
        tokio::task::yield_now().await;
        self.items.len()
    }
}

#[async_trait]
trait Store {
    async fn load(&self, key: u32) -> Result<u32, String>;
}

#[async_trait]
impl Store for Cart {
    #[monitored]
    #[capture_errors]
    async fn load(&self, key: u32) -> Result<u32, String> {
        self.items
            .get(usize::try_from(key).map_err(|e| e.to_string())?)
            .copied()
            .ok_or_else(|| "missing".to_owned())
    }
}

// The options beyond the basics, and an impl block.

#[derive(Debug, serde::Serialize)]
struct Receipt {
    total: u32,
}

#[monitored(ret, busy_time, metrics, objective(success = 99.9, latency = "250ms"))]
fn receipt(total: u32) -> Result<Receipt, String> {
    Ok(Receipt { total })
}

#[monitored(ret(display), short_name, busy_time, parent = None)]
async fn shown(value: u32) -> u32 {
    value
}

#[monitored(parent = monitor, follows_from = monitor, ret(debug))]
fn under(monitor: &monitor_runtime::PerformanceMonitor) -> Option<u8> {
    monitor.is_recording().then_some(1)
}

#[monitored(check_in(slug = "pedantic", heartbeat), data(kept))]
fn heartbeat(#[cfg(test)] kept: u32) -> u32 {
    kept
}

struct Ledger {
    entries: Vec<u32>,
}

#[monitored(metrics)]
#[capture_errors]
impl Ledger {
    fn push(&mut self, entry: u32) -> Result<usize, String> {
        self.entries.push(entry);
        Ok(self.entries.len())
    }

    #[monitored(skip)]
    fn len(&self) -> usize {
        self.entries.len()
    }

    async fn last(&self) -> Option<u32> {
        self.entries.last().copied()
    }
}

#[tokio::test]
async fn options_run_without_a_client() {
    assert_eq!(receipt(3).map(|r| r.total), Ok(3));
    assert_eq!(shown(4).await, 4);
    let monitor = monitor_runtime::PerformanceMonitor::start("pedantic");
    assert_eq!(under(&monitor), None);
    assert_eq!(heartbeat(5), 5);
    let mut ledger = Ledger {
        entries: Vec::new(),
    };
    assert_eq!(ledger.push(6), Ok(1));
    assert_eq!(ledger.len(), 1);
    assert_eq!(ledger.last().await, Some(6));
}

#[tokio::test]
async fn every_shape_runs_without_a_client() {
    sync_unit();
    assert_eq!(sync_value("abc"), 3);
    assert_eq!(sync_result("1"), Ok(2));
    assert!(sync_result("x").is_err());
    assert_eq!(async_result("2").await, Ok(3));
    async_unit().await;
    assert_eq!(future_tail().await, 7);
    assert_eq!(boxed_tail().await, Ok(8));
    assert_eq!(caller("9"), Ok(9));
    let mut values = Vec::new();
    *borrowed(&mut values) += 1;
    assert_eq!(values, [1]);
    let mut cart = Cart { items: vec![1, 2] };
    assert_eq!(cart.add(3), Ok(3));
    assert!(cart.add(0).is_err());
    assert_eq!(cart.total(), 6);
    assert_eq!(cart.refresh().await, 3);
    assert_eq!(cart.load(1).await, Ok(2));
    if values.is_empty() {
        never_returns();
    }
}
