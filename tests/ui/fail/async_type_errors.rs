// tracing's `async_instrument.rs` (research F1-F6), under `#[monitored]`: each error must
// point at the user's expression, with the note on the return type.
use monitor_runtime::monitored;

#[monitored]
async fn unit() {
    ""
}

#[monitored]
async fn simple_mismatch() -> String {
    ""
}

#[monitored]
async fn opaque_unsatisfied() -> impl std::fmt::Display {
    ("",)
}

struct Wrapper<T>(T);

#[monitored]
async fn mismatch_with_opaque() -> Wrapper<impl std::fmt::Display> {
    ""
}

#[monitored]
async fn early_return_unit() {
    if true {
        return "";
    }
}

#[monitored]
async fn early_return() -> String {
    if true {
        return "";
    }
    String::new()
}

fn main() {}
