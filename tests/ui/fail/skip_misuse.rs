use monitor_runtime::{breadcrumb, monitored};

#[monitored(skip)]
fn free_function() {}

struct Shop;

#[monitored]
impl Shop {
    #[monitored(skip, name = "x")]
    fn skip_with_options(&self) {}

    #[breadcrumb(skip)]
    fn nothing_to_skip(&self) {}

    #[monitored]
    #[monitored(op = "again")]
    fn applied_twice(&self) {}
}

#[monitored(skip)]
impl Shop {}

fn main() {}
