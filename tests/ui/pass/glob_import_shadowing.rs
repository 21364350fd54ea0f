// tracing#3306: a glob import in the body that brings a variant named like the return
// type must not change what the return type means.
#![deny(warnings)]

use monitor_runtime::{breadcrumb, capture_errors, monitored};

type Foo = ();

#[allow(dead_code)]
enum Bar {
    Foo,
}

#[monitored]
fn this_is_fine() -> Foo {
    #[allow(unused_imports)]
    use Bar::*;
}

#[breadcrumb(outcome)]
async fn this_is_fine_async() -> Foo {
    #[allow(unused_imports)]
    use Bar::*;
}

type Res = Result<(), String>;

#[allow(dead_code)]
enum Outcome {
    Res,
    Ok,
}

#[capture_errors]
fn shadowing_result_names() -> Res {
    #[allow(unused_imports)]
    use Outcome::*;
    Result::Ok(())
}

fn main() {
    this_is_fine();
    let _unpolled = this_is_fine_async();
    assert!(shadowing_result_names().is_ok());
}
