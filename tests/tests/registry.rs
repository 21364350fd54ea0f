//! The link-time registry lists the annotated functions of this test crate, generic and
//! method ones included, each once, with the right file, line, module, macros, op and
//! sample rate, whether or not they were ever called.

use monitor_runtime::registry::{self, FunctionInfo};
use monitor_runtime::{breadcrumb, capture_errors, monitored};

// Each function's name is on the line after its `_LINE` constant's attribute: the
// constants are `line!() + 2` (the attribute, then the name).

const FREE_LINE: u32 = line!() + 2;
#[monitored(op = "job", sample_rate = 0.25)]
fn free() {}

const GENERIC_LINE: u32 = line!() + 2;
#[breadcrumb]
fn generic<T: std::fmt::Debug>(t: T) -> String {
    format!("{t:?}")
}

const ASYNC_LINE: u32 = line!() + 2;
#[capture_errors]
async fn fallible_async() -> Result<(), String> {
    Ok(())
}

const NEVER_CALLED_LINE: u32 = line!() + 3;
#[allow(dead_code)]
#[monitored(name = "explicit.name")]
fn never_called() {}

mod shop {
    use super::*;

    pub struct Cart;

    pub const CHECKOUT_LINE: u32 = line!() + 3;
    impl Cart {
        #[monitored(transaction)]
        pub fn checkout(&self) {}
    }

    pub struct Wrapper<T>(pub T);

    pub const GET_LINE: u32 = line!() + 3;
    impl<T: Clone> Wrapper<T> {
        #[monitored]
        pub fn get(&self) -> T {
            self.0.clone()
        }
    }

    pub const PAY_LINE: u32 = line!() + 3;
    pub trait Pay {
        #[breadcrumb]
        fn pay(&self) {}
        fn refund(&self) -> Result<(), String>;
    }

    pub const REFUND_LINE: u32 = line!() + 3;
    impl Pay for Cart {
        #[capture_errors(error_type = "refund")]
        fn refund(&self) -> Result<(), String> {
            Ok(())
        }
    }
}

fn find<'a>(functions: &'a [FunctionInfo], name: &str) -> &'a FunctionInfo {
    let matching: Vec<_> = functions.iter().filter(|f| f.name == name).collect();
    assert_eq!(matching.len(), 1, "{name} once in {functions:#?}");
    matching[0]
}

#[test]
fn lists_this_crates_functions_with_file_and_line() {
    // Calls made or not, generic functions instantiated twice: one entry each.
    free();
    assert_eq!(generic(1), "1");
    assert_eq!(generic("x"), "\"x\"");
    shop::Cart.checkout();
    assert_eq!(shop::Wrapper(1u8).get(), 1);
    assert_eq!(shop::Wrapper("s").get(), "s");
    {
        use shop::Pay as _;
        shop::Cart.pay();
        assert_eq!(shop::Cart.refund(), Ok(()));
        drop(fallible_async());
    }

    let functions = registry::functions();
    let file = file!();

    let f = find(&functions, "registry::free");
    assert_eq!((f.file, f.line), (file, FREE_LINE));
    assert_eq!(f.module, "registry");
    assert_eq!(f.macros, ["monitored"]);
    assert_eq!(f.op, Some("job"));
    assert_eq!(f.sample_rate, Some(0.25));

    let f = find(&functions, "registry::generic");
    assert_eq!((f.file, f.line), (file, GENERIC_LINE));
    assert_eq!(f.macros, ["breadcrumb"]);
    assert_eq!(f.op, None);

    let f = find(&functions, "registry::fallible_async");
    assert_eq!((f.file, f.line), (file, ASYNC_LINE));
    assert_eq!(f.macros, ["capture_errors"]);

    let f = find(&functions, "explicit.name");
    assert_eq!((f.file, f.line), (file, NEVER_CALLED_LINE));

    let f = find(&functions, "registry::shop::Cart::checkout");
    assert_eq!(
        (f.file, f.line, f.module),
        (file, shop::CHECKOUT_LINE, "registry::shop")
    );
    assert_eq!(f.op, Some("function"));

    let f = find(&functions, "registry::shop::Wrapper::get");
    assert_eq!((f.file, f.line), (file, shop::GET_LINE));

    let f = find(&functions, "registry::shop::Pay::pay");
    assert_eq!((f.file, f.line), (file, shop::PAY_LINE));

    let f = find(
        &functions,
        "<registry::shop::Cart as registry::shop::Pay>::refund",
    );
    assert_eq!((f.file, f.line), (file, shop::REFUND_LINE));
    assert_eq!(f.macros, ["capture_errors"]);
}

#[test]
fn sorted_by_file_and_line_and_serialisable() {
    let functions = registry::functions();
    let mine: Vec<_> = functions.iter().filter(|f| f.file == file!()).collect();
    assert_eq!(mine.len(), 8, "{mine:#?}");
    assert!(mine.windows(2).all(|w| w[0].line <= w[1].line));
    let json = monitor_runtime::__private::serde_json::to_value(mine[0]).expect("serialisable");
    assert_eq!(json["name"], "registry::free");
    assert_eq!(json["line"], FREE_LINE);
}
