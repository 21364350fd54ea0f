use monitor_runtime::{capture_errors, monitored};

struct Shop;

#[monitored(nmae = "shop")]
impl Shop {
    fn open(&self) {}
}

#[capture_errors]
impl Shop {
    // Named like a `Result` but is not one: the block's attribute applies, and says so.
    fn parsed(&self) -> ParseResult {
        ParseResult
    }
}

struct ParseResult;

fn main() {}
