// `parent = …` and `follows_from = …` take monitors, SDK span handles, options of them,
// and `parent = None`.
#![deny(warnings)]

use monitor_runtime::sentry::TransactionOrSpan;
use monitor_runtime::{PerformanceMonitor, monitored};

#[monitored(parent = batch)]
fn item(batch: &PerformanceMonitor) -> u32 {
    1
}

#[monitored(parent = upstream.as_ref(), follows_from = trigger)]
async fn continued(upstream: Option<TransactionOrSpan>, trigger: &PerformanceMonitor) -> u32 {
    2
}

#[monitored(transaction, parent = None)]
fn fresh_trace() {}

struct Job {
    origin: PerformanceMonitor,
}

impl Job {
    #[monitored(follows_from = self.origin)]
    fn run(&self) -> u8 {
        3
    }
}

fn main() {
    let batch = PerformanceMonitor::start("batch");
    let _ = item(&batch);
    let _ = continued(None, &batch);
    fresh_trace();
    let _ = Job { origin: batch }.run();
}
