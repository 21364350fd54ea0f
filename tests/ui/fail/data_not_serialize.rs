use monitor_runtime::{breadcrumb, monitored};

struct Secret(u32);

#[monitored(data(secret))]
fn span_data(secret: Secret) {
    let _ = secret.0;
}

#[breadcrumb(data(wrapped = Secret(*n)))]
fn crumb_data(n: &u32) {
    let _ = n;
}

fn main() {
    span_data(Secret(1));
    crumb_data(&1);
}
