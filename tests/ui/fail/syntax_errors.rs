use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored("checkout")]
fn positional_name() {}

#[breadcrumb("importing")]
fn positional_message() {}

#[capture_errors(level = "warning", tags(op: "deploy"))]
fn colon_instead_of_equals() -> Result<(), String> {
    Ok(())
}

#[monitored(data(rows.len()))]
fn expression_without_key(rows: &[u8]) {
    let _ = rows;
}

fn main() {
    positional_name();
    positional_message();
    let _ = colon_instead_of_equals();
    expression_without_key(&[]);
}
