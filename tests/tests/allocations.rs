//! A counting global allocator proves the cost promises: with no enabled client, a call of
//! a function under any of the three macros allocates nothing; inside an unsampled
//! transaction, a monitored call allocates no span and does not evaluate `data(...)`.
//!
//! Allocations are counted per thread, and only around the calls measured: the capture's
//! own threads (transport, batchers) and the test harness do not count. Each function is
//! called once before counting, so one-time work (resolving and caching its name, the
//! thread's hub) is not counted.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use monitor_runtime::{breadcrumb, capture_errors, monitored};

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with`: the thread's locals may be gone while it exits.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: forwarded.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: forwarded.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// The allocations `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(Cell::get);
    f();
    ALLOCATIONS.with(Cell::get) - before
}

/// Polls a future to completion on this thread, without a runtime (and without
/// allocating).
fn poll_to_end<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// Returns `Pending` once, like a real `.await` point.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

const CALLS: u32 = 100;

// ---------------------------------------------------------------------------------------
// The functions measured.

#[monitored]
fn m_plain(x: u32) -> u32 {
    x + 1
}

#[monitored(transaction, op = "job", tags(t = x), data(x, y = x * 2), sample_rate = 0.5)]
fn m_options(x: u32) -> u32 {
    x + 1
}

#[monitored]
fn m_result(x: u32) -> Result<u32, u8> {
    if x.is_multiple_of(2) { Ok(x) } else { Err(1) }
}

#[monitored(data(x))]
async fn m_async(x: u32) -> u32 {
    YieldOnce(false).await;
    x + 1
}

#[allow(clippy::manual_async_fn)]
#[monitored]
fn m_async_tail(x: u32) -> impl Future<Output = u32> {
    async move {
        YieldOnce(false).await;
        x + 1
    }
}

#[breadcrumb]
fn b_plain(x: u32) -> u32 {
    x + 1
}

#[breadcrumb(message = "called with {x}", category = "c", level = "warning", data(x, y = x * 2), outcome)]
fn b_options(x: u32) -> Result<u32, u8> {
    if x.is_multiple_of(2) { Ok(x) } else { Err(1) }
}

#[breadcrumb(outcome)]
async fn b_async(x: u32) -> u32 {
    YieldOnce(false).await;
    x
}

#[capture_errors]
fn c_plain(x: u32) -> Result<u32, &'static str> {
    if x.is_multiple_of(2) {
        Ok(x)
    } else {
        Err("odd")
    }
}

#[capture_errors(error_type = "e", level = "warning", tags(op = "deploy", x = x), data(x))]
fn c_options(x: u32) -> Result<u32, std::num::TryFromIntError> {
    u8::try_from(x * 100).map(u32::from)
}

#[capture_errors]
async fn c_async(x: u32) -> Result<u32, &'static str> {
    YieldOnce(false).await;
    if x.is_multiple_of(2) {
        Ok(x)
    } else {
        Err("odd")
    }
}

#[monitored]
#[breadcrumb(outcome, message = "{x}")]
#[capture_errors(tags(x = x))]
fn stacked(x: u32) -> Result<u32, &'static str> {
    if x.is_multiple_of(2) {
        Ok(x)
    } else {
        Err("odd")
    }
}

/// Calls every measured function once with `x`.
fn call_all_sync(x: u32) {
    assert_eq!(m_plain(x), x + 1);
    assert_eq!(m_options(x), x + 1);
    let _ = m_result(x);
    assert_eq!(poll_to_end(m_async(x)), x + 1);
    assert_eq!(poll_to_end(m_async_tail(x)), x + 1);
    assert_eq!(b_plain(x), x + 1);
    let _ = b_options(x);
    assert_eq!(poll_to_end(b_async(x)), x);
    let _ = c_plain(x);
    let _ = c_options(x);
    let _ = poll_to_end(c_async(x));
    let _ = stacked(x);
}

#[test]
fn no_allocation_per_call_without_a_client() {
    // Warm up: even and odd (Ok and Err paths).
    call_all_sync(0);
    call_all_sync(1);
    let n = allocations(|| {
        for x in 0..CALLS {
            call_all_sync(x);
        }
    });
    assert_eq!(
        n, 0,
        "allocations in {CALLS} rounds of calls without a client"
    );
}

#[test]
fn the_counter_sees_allocations() {
    // A control: the measuring itself works.
    let n = allocations(|| {
        let v: Vec<u32> = (0..CALLS).collect();
        assert_eq!(v.len(), CALLS as usize);
    });
    assert_eq!(n, 1);
}

// ---------------------------------------------------------------------------------------
// Inside an unsampled transaction.

thread_local! {
    /// Per thread: tests run in parallel, and each counts only its own evaluations.
    static DATA_EVALUATED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

fn data_evaluated() -> usize {
    DATA_EVALUATED.with(std::cell::Cell::get)
}

fn expensive(x: u32) -> u32 {
    DATA_EVALUATED.with(|n| n.set(n.get() + 1));
    x
}

#[monitored(data(v = expensive(x)), tags(t = expensive(x)))]
fn child(x: u32) -> u32 {
    grandchild(x) + 1
}

#[monitored(data(x))]
fn grandchild(x: u32) -> u32 {
    x
}

#[monitored(data(v = expensive(x)))]
async fn async_child(x: u32) -> u32 {
    YieldOnce(false).await;
    x
}

#[capture_errors]
fn ok_path(x: u32) -> Result<u32, &'static str> {
    Ok(x)
}

fn call_children(x: u32) {
    assert_eq!(child(x), x + 1);
    assert_eq!(poll_to_end(async_child(x)), x);
    assert_eq!(ok_path(x), Ok(x));
}

#[monitored(transaction, name = "unsampled", sample_rate = 0.0)]
fn unsampled_root(f: impl FnOnce()) {
    f();
}

#[monitored(transaction, name = "sampled", sample_rate = 1.0)]
fn sampled_root(f: impl FnOnce()) {
    f();
}

#[test]
fn no_span_allocated_and_no_data_evaluated_inside_an_unsampled_transaction() {
    let (counts, captured) = monitor_runtime::testing::capture(|| {
        let mut unsampled = (usize::MAX, usize::MAX);
        unsampled_root(|| {
            call_children(0);
            let before = data_evaluated();
            let n = allocations(|| {
                for x in 0..CALLS {
                    call_children(x);
                }
            });
            unsampled = (n, data_evaluated() - before);
        });
        let mut sampled = (0, 0);
        sampled_root(|| {
            let before = data_evaluated();
            let n = allocations(|| call_children(1));
            sampled = (n, data_evaluated() - before);
        });
        (unsampled, sampled)
    });
    let (unsampled, sampled) = counts;
    assert_eq!(
        unsampled,
        (0, 0),
        "(allocations, data evaluations) in an unsampled transaction"
    );
    // The control: sampled, the same calls allocate spans and evaluate their data.
    assert!(sampled.0 > 0, "sampled calls allocate");
    assert_eq!(sampled.1, 3, "tag and data of child, data of async_child");
    assert!(
        captured
            .transactions()
            .iter()
            .all(|t| t.name() != "unsampled")
    );
    assert_eq!(captured.transaction("sampled").spans().len(), 3);
}

/// The privacy scrubber allocates nothing for clean input (issue 9): an error event with its
/// breadcrumbs, tags, extra, contexts, exception and request, a transaction with its spans,
/// a log, a metric and free text are scanned without a copy. What the transport's preparation
/// stage allocates per envelope beyond this is the rebuilt envelope itself (the SDK gives no
/// mutable access to its items), measured in `benches/anchors` (`s9_*`).
#[test]
fn scrubbing_clean_items_allocates_nothing() {
    use std::time::SystemTime;

    use monitor_runtime::scrub::Scrubber;
    use monitor_runtime::sentry::protocol::{
        Breadcrumb, Context, Event, Exception, Level, Log, LogAttribute, LogLevel, Map, Metric,
        MetricType, Request, Span, Transaction, Value,
    };

    let text = |s: &str| Value::String(s.to_owned());
    let map = |pairs: &[(&str, Value)]| -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    };
    let strings = |pairs: &[(&str, &str)]| -> Map<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    };
    let mut event = Event {
        level: Level::Error,
        message: Some("GET /api/v1/orders/42 failed after 3 retries: upstream timed out".into()),
        exception: vec![Exception {
            ty: "TimeoutError".into(),
            value: Some("deadline of 2s exceeded while calling https://api.example.com/x".into()),
            ..Default::default()
        }]
        .into(),
        breadcrumbs: (0..50)
            .map(|i| Breadcrumb {
                category: Some("http".into()),
                message: Some(format!("GET /api/v1/orders/{i} 200 in 12ms")),
                data: map(&[("status_code", Value::from(200)), ("url", text("/api/v1"))]),
                ..Default::default()
            })
            .collect::<Vec<_>>()
            .into(),
        tags: strings(&[
            ("route", "GET /api/v1/orders/{id}"),
            ("region", "eu-west-1"),
        ]),
        extra: map(&[
            ("attempts", Value::from(3)),
            ("key_id", text("k-1")),
            ("note", text("a: b")),
        ]),
        contexts: [(
            "order".to_owned(),
            Context::Other(map(&[("id", Value::from(42)), ("currency", text("EUR"))])),
        )]
        .into_iter()
        .collect(),
        request: Some(Request {
            url: "https://shop.example.com/checkout?page=2".parse().ok(),
            method: Some("POST".into()),
            query_string: Some("page=2&sort=asc".into()),
            headers: strings(&[("Accept", "application/json"), ("User-Agent", "curl/8")]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut transaction = Transaction {
        name: Some("GET /api/v1/orders/{id}".into()),
        tags: strings(&[("route", "orders")]),
        spans: (0..20)
            .map(|i| Span {
                op: Some("db.query".into()),
                description: Some(format!("SELECT * FROM orders WHERE id = $1 -- {i}")),
                data: map(&[
                    ("db.system", text("postgresql")),
                    ("db.rows", Value::from(i)),
                ]),
                tags: strings(&[("table", "orders")]),
                ..Default::default()
            })
            .collect(),
        ..Default::default()
    };
    let mut log = Log {
        level: LogLevel::Info,
        body: "order 42 shipped to warehouse 7".into(),
        trace_id: None,
        timestamp: SystemTime::now(),
        severity_number: None,
        attributes: [("order.id".to_owned(), LogAttribute(Value::from(42)))]
            .into_iter()
            .collect(),
    };
    let mut metric = Metric {
        r#type: MetricType::Counter,
        name: "orders.shipped".into(),
        value: 1.0,
        timestamp: SystemTime::now(),
        trace_id: Default::default(),
        span_id: None,
        unit: None,
        attributes: [("warehouse".into(), LogAttribute(text("7")))]
            .into_iter()
            .collect(),
    };

    let scrubber = Scrubber::new(false);
    let before = event.clone();
    let counted = allocations(|| {
        scrubber.scrub_event(&mut event);
        scrubber.scrub_transaction(&mut transaction);
        scrubber.scrub_log(&mut log);
        scrubber.scrub_metric(&mut metric);
        let _ = scrubber.scrub_str("retrying GET https://api.example.com/x?page=2: timed out");
    });
    assert_eq!(counted, 0, "allocations while scrubbing clean items");
    // Nothing was clean by accident of being skipped: the event is unchanged, and the same
    // scrubber does rewrite a secret.
    assert!(event == before, "a clean event changed");
    assert_eq!(scrubber.scrub_str("token=abc"), "token=[Filtered]");
}

// ---------------------------------------------------------------------------------------
// Unsampled roots, under the client `init!()` builds.

#[monitored(data(v = expensive(x)))]
fn root_call(x: u32) -> u32 {
    grandchild(x)
}

#[monitored(data(v = expensive(x)))]
async fn async_root_call(x: u32) -> u32 {
    YieldOnce(false).await;
    x
}

#[test]
fn an_unsampled_root_allocates_nothing_under_the_toolkit_client() {
    let capture = monitor_runtime::testing::Capture::new()
        .configure(|config| config.environment("production").traces_sample_rate(0.0));
    let (counts, captured) = capture.run(|| {
        assert_eq!(root_call(0), 0);
        assert_eq!(poll_to_end(async_root_call(0)), 0);
        let before = data_evaluated();
        let n = allocations(|| {
            for x in 0..CALLS {
                assert_eq!(root_call(x), x);
                assert_eq!(poll_to_end(async_root_call(x)), x);
            }
        });
        (n, data_evaluated() - before)
    });
    assert_eq!(
        counts,
        (0, 0),
        "(allocations, data evaluations) of unsampled roots"
    );
    assert!(captured.transactions().is_empty());
}
