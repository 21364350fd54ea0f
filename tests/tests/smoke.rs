use monitor_runtime::{breadcrumb, capture_errors, monitored, testing};

#[monitored]
fn add(a: u32, b: u32) -> u32 {
    a + b
}

#[monitored(op = "db.query", tags(component = "billing"), data(a))]
#[breadcrumb(message = "dividing {a} by {b}", outcome)]
#[capture_errors]
fn divide(a: u32, b: u32) -> Result<u32, String> {
    if b == 0 {
        return Err("division by zero".to_owned());
    }
    Ok(a / b)
}

#[monitored(transaction)]
async fn outer() -> u32 {
    inner().await + add(1, 2)
}

#[monitored]
async fn inner() -> u32 {
    tokio::task::yield_now().await;
    let _ = divide(4, 0);
    5
}

#[test]
fn smoke() {
    let (v, captured) = testing::capture_async(outer());
    assert_eq!(v, 8);
    let tx = captured.transaction("smoke::outer");
    println!("{}", tx.tree());
    println!("{:#?}", captured.events());
    assert_eq!(captured.events().len(), 1);
}
