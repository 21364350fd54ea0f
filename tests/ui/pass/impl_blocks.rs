// The macros on inherent and trait impls, generic impls, with per-method overrides,
// `skip`, `const fn`s and constructors left alone, and async-trait in either order.
#![deny(warnings)]

use monitor_runtime::{breadcrumb, capture_errors, monitored};

struct Shop<T> {
    items: Vec<T>,
}

#[monitored(op = "shop")]
#[capture_errors]
#[breadcrumb]
impl<T: Clone> Shop<T> {
    const LIMIT: usize = 10;

    fn new() -> Self {
        Shop { items: Vec::new() }
    }

    const fn limit() -> usize {
        Self::LIMIT
    }

    fn add(&mut self, item: T) -> Result<usize, String> {
        if self.items.len() >= Self::limit() {
            return Err("full".into());
        }
        self.items.push(item);
        Ok(self.items.len())
    }

    #[monitored(skip)]
    #[breadcrumb(skip)]
    fn len(&self) -> usize {
        self.items.len()
    }

    #[monitored(name = "shop.first", metrics)]
    async fn first(&self) -> Option<T> {
        self.items.first().cloned()
    }
}

trait Named {
    fn name(&self) -> String;
}

#[monitored(short_name)]
impl<T> Named for Shop<T> {
    fn name(&self) -> String {
        "shop".into()
    }
}

#[async_trait::async_trait]
trait Store {
    async fn load(&self, id: u32) -> Result<u32, String>;
}

#[monitored]
#[async_trait::async_trait]
impl Store for Shop<u32> {
    async fn load(&self, id: u32) -> Result<u32, String> {
        self.items.get(id as usize).copied().ok_or_else(|| "missing".into())
    }
}

struct Disk;

#[async_trait::async_trait]
#[monitored]
#[capture_errors]
impl Store for Disk {
    async fn load(&self, id: u32) -> Result<u32, String> {
        Ok(id)
    }
}

fn main() {
    let mut shop = Shop::new();
    let _ = shop.add(1u32);
    let _ = shop.len();
    let _ = shop.first();
    let _ = shop.name();
    let _ = shop.load(0);
    let _ = Disk.load(1);
}
