//! `#[monitored(sample_rate = …)]` holds under any bound client: a plain `sentry::test`
//! client with a fixed rate or a sampler of its own, and the client `init!()` builds,
//! where the documented order applies (parent, then `SENTRY_TRACES_SAMPLER` rule, then the
//! function's rate, then the configured rate).

use std::sync::atomic::{AtomicUsize, Ordering};

use monitor_runtime::monitored;
use monitor_runtime::testing::Capture;
use sentry::ClientOptions;
use sentry::protocol::EnvelopeItem;

/// Data evaluations of `never` and its children; only that test calls them.
static NEVER_EVALUATED: AtomicUsize = AtomicUsize::new(0);

fn evaluated(x: u32) -> u32 {
    x
}

fn never_evaluated(x: u32) -> u32 {
    NEVER_EVALUATED.fetch_add(1, Ordering::SeqCst);
    x
}

#[monitored(name = "never", sample_rate = 0.0, data(v = never_evaluated(x)))]
fn never(x: u32) -> u32 {
    never_child(x)
}

#[monitored(data(v = never_evaluated(x)))]
fn never_child(x: u32) -> u32 {
    x
}

#[monitored(name = "always", sample_rate = 1.0, data(v = evaluated(x)))]
fn always(x: u32) -> u32 {
    child(x)
}

#[monitored(data(v = evaluated(x)))]
fn child(x: u32) -> u32 {
    x
}

#[monitored(name = "default_rate")]
fn default_rate() {}

#[monitored(sample_rate = 0.0)]
fn rate_zero() {}

fn transactions(options: ClientOptions, f: impl FnOnce()) -> Vec<String> {
    sentry::test::with_captured_envelopes_options(f, options)
        .into_iter()
        .flat_map(|envelope| envelope.into_items())
        .filter_map(|item| match item {
            EnvelopeItem::Transaction(tx) => tx.name.clone(),
            _ => None,
        })
        .collect()
}

#[test]
fn zero_sends_nothing_and_evaluates_no_data_under_a_plain_client_at_rate_one() {
    let sent = transactions(ClientOptions::new().traces_sample_rate(1.0), || {
        for x in 0..50 {
            assert_eq!(never(x), x);
        }
        default_rate();
    });
    assert_eq!(
        sent,
        ["default_rate"],
        "the client's rate applies elsewhere"
    );
    assert_eq!(
        NEVER_EVALUATED.load(Ordering::SeqCst),
        0,
        "data(...) evaluated"
    );
}

#[test]
fn one_beats_a_plain_clients_rate_of_zero() {
    let sent = transactions(ClientOptions::new().traces_sample_rate(0.0), || {
        for x in 0..20 {
            assert_eq!(always(x), x);
        }
        default_rate();
    });
    assert_eq!(sent, vec!["always"; 20]);
}

#[test]
fn the_functions_rate_beats_a_plain_clients_own_sampler() {
    let options = ClientOptions::new().traces_sampler(|_| 0.0);
    let sent = transactions(options, || {
        always(1);
        default_rate();
    });
    assert_eq!(sent, ["always"], "the client's sampler decides the rest");

    let options = ClientOptions::new().traces_sampler(|_| 1.0);
    let sent = transactions(options, || {
        rate_zero();
        default_rate();
    });
    assert_eq!(sent, ["default_rate"]);
}

#[test]
fn a_plain_client_without_tracing_sends_no_transaction() {
    let sent = transactions(ClientOptions::new(), || {
        always(1);
    });
    assert!(sent.is_empty(), "tracing disabled wins: {sent:?}");
}

#[monitored(name = "ruled", sample_rate = 1.0)]
fn ruled() {}

#[monitored(transaction, name = "continued", sample_rate = 1.0)]
fn continued() {}

#[test]
fn the_toolkits_sampler_keeps_its_order() {
    let capture = Capture::new().configure(|config| {
        config
            .traces_sample_rate(0.0)
            .traces_sampler("ruled=0.0".parse().expect("a valid rule"))
    });
    let ((), captured) = capture.run(|| {
        // The rule beats the function's rate.
        ruled();
        // The function's rate beats the configured rate.
        always(1);
        // The parent's decision beats the function's rate: `continued` continues the
        // trace of an unsampled root.
        #[monitored(name = "unsampled_parent", sample_rate = 0.0)]
        fn unsampled_parent() {
            continued();
        }
        unsampled_parent();
    });
    let names: Vec<_> = captured
        .transactions()
        .iter()
        .map(|t| t.name().to_owned())
        .collect();
    assert_eq!(names, ["always"]);
}
