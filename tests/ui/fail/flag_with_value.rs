use monitor_runtime::{breadcrumb, monitored};

#[breadcrumb(outcome = true)]
fn outcome_with_value() {}

#[monitored(transaction = "checkout")]
fn transaction_with_value() {}

#[monitored(span(child))]
fn span_with_arguments() {}

fn main() {
    outcome_with_value();
    transaction_with_value();
    span_with_arguments();
}
