use monitor_runtime::monitored;

#[monitored(parent)]
fn without_value() {}

#[monitored(follows_from(a))]
fn list_instead_of_value() {}

#[monitored(parent = 42)]
fn not_a_span() {}

#[monitored(follows_from = "upstream")]
fn text_is_not_a_span() {}

fn main() {
    without_value();
    list_instead_of_value();
    not_a_span();
    text_is_not_a_span();
}
