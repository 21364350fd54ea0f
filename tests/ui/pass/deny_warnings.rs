// Strict user crates: the expansion adds no warning, on any macro or shape. (trybuild does
// not run clippy; `tests/tests/pedantic.rs` is the clippy-checked twin of this file.)
#![deny(warnings, clippy::pedantic)]

use std::future::Future;
use std::pin::Pin;

use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(name = "checkout", op = "db.query", tags(tier = "gold"), data(items))]
#[breadcrumb(message = "checking out {items} items", category = "cart", outcome)]
#[capture_errors(error_type = "checkout", level = "warning")]
fn checkout(items: u32) -> Result<u32, String> {
    if items == 0 {
        return Err("empty cart".to_owned());
    }
    Ok(items * 2)
}

#[monitored]
fn unit() {}

#[breadcrumb]
fn plain(n: u32) -> u32 {
    n + 1
}

#[monitored(transaction, sample_rate = 0.5)]
async fn job(n: u32) -> u32 {
    n
}

#[monitored]
#[capture_errors]
async fn async_result(n: u32) -> Result<u32, std::num::TryFromIntError> {
    let small = u8::try_from(n)?;
    Ok(u32::from(small))
}

#[monitored(span)]
fn boxed() -> Pin<Box<dyn Future<Output = u32> + Send>> {
    Box::pin(async move { 1 })
}

#[breadcrumb(outcome)]
fn impl_future() -> impl Future<Output = u32> {
    async { 2 }
}

#[monitored]
fn never() -> ! {
    panic!("never returns")
}

#[monitored]
#[capture_errors]
#[track_caller]
fn caller(n: &str) -> Result<u32, std::num::ParseIntError> {
    let parsed = n.parse::<u32>()?;
    Ok(parsed)
}

#[monitored]
fn borrow_mut(v: &mut Vec<u8>) -> &mut u8 {
    v.push(1);
    &mut v[0]
}

#[monitored]
fn reborrow(x: &mut u32) -> &u32 {
    x
}

#[capture_errors]
fn first_mut(v: &mut Vec<u8>) -> Result<&mut u8, String> {
    v.first_mut().ok_or_else(|| "empty".to_owned())
}

struct Cart {
    items: Vec<u32>,
}

impl Cart {
    #[monitored(data(count = self.items.len()))]
    #[capture_errors]
    fn total(&self) -> Result<u32, String> {
        Ok(self.items.iter().sum())
    }

    #[breadcrumb]
    async fn refresh(&mut self) {
        self.items.push(1);
    }
}

trait Store {
    fn load(&self) -> u32;
}

impl Store for Cart {
    #[monitored]
    fn load(&self) -> u32 {
        self.items.len().try_into().unwrap_or(u32::MAX)
    }
}

fn main() {
    assert_eq!(checkout(2), Ok(4));
    unit();
    assert_eq!(plain(1), 2);
    let _unpolled = (
        job(1),
        async_result(1),
        boxed(),
        impl_future(),
        Cart { items: vec![] }.load(),
    );
    assert_eq!(caller("7"), Ok(7));
    let mut v = Vec::new();
    *borrow_mut(&mut v) += 1;
    let mut n = 1;
    assert_eq!(*reborrow(&mut n), 1);
    if let Ok(first) = first_mut(&mut v) {
        *first += 1;
    }
    let mut cart = Cart { items: vec![1, 2] };
    assert_eq!(cart.total(), Ok(3));
    drop(cart.refresh());
    if v.is_empty() {
        never();
    }
}
