//! The macros on `impl` blocks: every method instrumented, a method's own attribute
//! overriding the block's, `skip` opting out, trait impls, async-trait in either order,
//! native async methods and generic impls.

use monitor_runtime::sentry::protocol::SpanStatus;
use monitor_runtime::{breadcrumb, capture_errors, monitored};
use monitor_tests::*;

pub struct Shop {
    stock: u32,
}

#[monitored(op = "shop")]
#[capture_errors]
impl Shop {
    pub fn stock(&self) -> u32 {
        self.stock
    }

    pub fn buy(&mut self, n: u32) -> Result<u32, String> {
        if n > self.stock {
            return Err(format!("only {} left", self.stock));
        }
        self.stock -= n;
        Ok(self.stock)
    }

    #[monitored(name = "restock", op = "shop.admin")]
    pub fn restock(&mut self, n: u32) {
        self.stock += n;
    }

    #[monitored(skip)]
    pub fn peek(&self) -> u32 {
        self.stock
    }

    pub async fn reserve(&self, n: u32) -> Result<u32, String> {
        tokio::task::yield_now().await;
        if n > self.stock {
            Err("cannot reserve".into())
        } else {
            Ok(n)
        }
    }

    pub const fn capacity() -> u32 {
        100
    }

    pub fn open() -> Shop {
        Shop { stock: 1 }
    }
}

#[test]
fn every_method_is_instrumented_with_overrides_and_skips() {
    let (out, c) = run(|| {
        let mut shop = Shop::open();
        shop.restock(2);
        let bought = shop.buy(1);
        let failed = shop.buy(9);
        (shop.stock(), shop.peek(), bought, failed, Shop::capacity())
    });
    assert_eq!(out, (2, 2, Ok(2), Err("only 2 left".into()), 100));
    assert_child(&c, "impl_blocks::Shop::open", "shop", SpanStatus::Ok);
    assert_child(&c, "impl_blocks::Shop::stock", "shop", SpanStatus::Ok);
    assert_child(&c, "restock", "shop.admin", SpanStatus::Ok);
    let tx = c.transaction(ROOT);
    let buys: Vec<_> = tx
        .spans()
        .into_iter()
        .filter(|s| s.name == "impl_blocks::Shop::buy")
        .map(|s| s.status)
        .collect();
    assert_eq!(
        buys,
        [Some(SpanStatus::Ok), Some(SpanStatus::InternalError)]
    );
    let names: Vec<String> = tx.spans().into_iter().map(|s| s.name).collect();
    assert!(
        !names.iter().any(|n| n.ends_with("::peek")),
        "`#[monitored(skip)]` opts out: {names:?}"
    );
    // The block's `#[capture_errors]` still applies to the methods returning `Result`.
    assert_one_error(&c, "impl_blocks::Shop::buy", "String");

    let (out, c) = run_async(async { Shop { stock: 1 }.reserve(5).await });
    assert_eq!(out, Err("cannot reserve".into()));
    assert_child(
        &c,
        "impl_blocks::Shop::reserve",
        "shop",
        SpanStatus::InternalError,
    );
    assert_one_error(&c, "impl_blocks::Shop::reserve", "String");
}

pub trait Greeter {
    fn greet(&self) -> String;
    fn farewell(&self) -> String {
        "bye".into()
    }
}

pub struct English;

#[monitored(short_name)]
#[breadcrumb(category = "greeting")]
impl Greeter for English {
    fn greet(&self) -> String {
        "hello".into()
    }

    #[breadcrumb(skip)]
    fn farewell(&self) -> String {
        "goodbye".into()
    }
}

#[test]
fn trait_impls_are_named_type_then_method() {
    let (out, c) = run(|| (English.greet(), English.farewell()));
    assert_eq!(out, ("hello".into(), "goodbye".into()));
    assert_ok_child(&c, "English::greet");
    assert_ok_child(&c, "English::farewell");
    assert_crumb(&c, "English::greet", "greeting");
    let messages = crumb_messages(end_event(&c));
    assert!(
        !messages.iter().any(|m| m.contains("farewell")),
        "`#[breadcrumb(skip)]` leaves no crumb: {messages:?}"
    );
}

#[async_trait::async_trait]
pub trait Store {
    async fn load(&self, id: u32) -> Result<u32, String>;
    async fn count(&self) -> usize;
}

pub struct Memory;
pub struct Disk;

// The toolkit's attribute above `#[async_trait]`: it sees the `async fn`s.
#[monitored]
#[async_trait::async_trait]
impl Store for Memory {
    async fn load(&self, id: u32) -> Result<u32, String> {
        tokio::task::yield_now().await;
        Ok(id)
    }

    async fn count(&self) -> usize {
        1
    }
}

// Below it: it sees what async-trait made of them.
#[async_trait::async_trait]
#[monitored]
#[capture_errors]
impl Store for Disk {
    async fn load(&self, id: u32) -> Result<u32, String> {
        tokio::task::yield_now().await;
        Err(format!("no record {id}"))
    }

    async fn count(&self) -> usize {
        2
    }
}

#[test]
fn async_trait_impls_in_either_order() {
    let (out, c) = run_async(async {
        let memory: &(dyn Store + Sync) = &Memory;
        let disk: &(dyn Store + Sync) = &Disk;
        (
            memory.load(1).await,
            memory.count().await,
            disk.load(2).await,
            disk.count().await,
        )
    });
    assert_eq!(out, (Ok(1), 1, Err("no record 2".into()), 2));
    for (name, status) in [
        (
            "<impl_blocks::Memory as impl_blocks::Store>::load",
            SpanStatus::Ok,
        ),
        (
            "<impl_blocks::Memory as impl_blocks::Store>::count",
            SpanStatus::Ok,
        ),
        (
            "<impl_blocks::Disk as impl_blocks::Store>::load",
            SpanStatus::InternalError,
        ),
        (
            "<impl_blocks::Disk as impl_blocks::Store>::count",
            SpanStatus::Ok,
        ),
    ] {
        assert_child(&c, name, "function", status);
    }
    assert_one_error(
        &c,
        "<impl_blocks::Disk as impl_blocks::Store>::load",
        "String",
    );
}

pub struct Wrapper<T>(T);

#[monitored]
impl<T: Clone + std::fmt::Debug> Wrapper<T> {
    pub fn get(&self) -> T {
        self.0.clone()
    }

    pub async fn get_later(&self) -> T {
        tokio::task::yield_now().await;
        self.0.clone()
    }
}

#[test]
fn generic_impls_have_one_name_for_every_instantiation() {
    let (out, c) = run(|| (Wrapper(1u8).get(), Wrapper("a").get()));
    assert_eq!(out, (1, "a"));
    let tx = c.transaction(ROOT);
    let gets = tx
        .spans()
        .into_iter()
        .filter(|s| s.name == "impl_blocks::Wrapper::get")
        .count();
    assert_eq!(gets, 2, "{}", tx.tree());
    let (out, c) = run_async(async { Wrapper(vec![3]).get_later().await });
    assert_eq!(out, vec![3]);
    assert_ok_child(&c, "impl_blocks::Wrapper::get_later");
}

#[test]
fn registry_lists_each_method_once() {
    let names: Vec<&str> = monitor_runtime::registry::functions()
        .into_iter()
        .filter(|f| f.module == "impl_blocks")
        .map(|f| f.name)
        .collect();
    for expected in [
        "impl_blocks::Shop::stock",
        "impl_blocks::Shop::buy",
        "restock",
        "impl_blocks::Wrapper::get",
    ] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.ends_with("::peek")), "{names:?}");
    assert!(
        !names.iter().any(|n| n.ends_with("::capacity")),
        "{names:?}"
    );
}
