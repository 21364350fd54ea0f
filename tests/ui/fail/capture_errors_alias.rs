// A return type that may be an alias of `Result` passes the macro; when it is not one, the
// trait bound fails at the return type, once per function.
use monitor_runtime::capture_errors;

type Count = u32;

#[capture_errors]
fn returns_alias() -> Count {
    1
}

#[capture_errors(tags(kind = "async"))]
async fn returns_alias_async() -> Count {
    1
}

fn main() {
    let _ = returns_alias();
    let _ = returns_alias_async();
}
