use monitor_runtime::{breadcrumb, capture_errors, monitored};

#[monitored(data(user_id))]
fn data_typo(user: u64) {
    let _ = user;
}

#[monitored(tags(tenant))]
fn tags_without_arguments() {}

#[breadcrumb(data(rows))]
fn breadcrumb_data(row_count: usize) {
    let _ = row_count;
}

#[capture_errors(tags(app), data(id))]
fn capture_fn(app_id: u32) -> Result<(), String> {
    let _ = app_id;
    Ok(())
}

fn main() {
    data_typo(1);
    tags_without_arguments();
    breadcrumb_data(1);
    let _ = capture_fn(1);
}
