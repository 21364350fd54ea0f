#!/usr/bin/env python3
"""The README's performance table, printed from one run's counts.

Usage: scripts/readme_table.py [RUN_DIR]   (markdown on stdout)
Inputs: RUN_DIR/callgrind.tsv and RUN_DIR/census.tsv (default: target/bench-anchors,
        i.e. the latest scripts/callgrind.sh and census run).

Every figure of a row, the toolkit's and its anchor's, comes from those two files, so the
table is one run by construction. A case missing from the run is an error, not a blank.
"""
import csv
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

# (what, toolkit, toolkit case, compared with, anchor case). "init client" rows run under
# the client `init!()` builds; the others under the harness's plain client.
ROWS = [
    ("idle, no client", "`#[monitored]`", "t1_monitored_idle_no_client",
     "`Hub::with_active` check alone (the SDK's cheapest public gate)",
     "c1_with_active_gate_no_client"),
    ("idle, no client", "`#[breadcrumb]`", "t1_breadcrumb_idle_no_client",
     "`#[tracing::instrument]`, no subscriber", "c2_tracing_no_subscriber"),
    ("idle, no client", "`#[capture_errors]` (Ok)", "t1_capture_errors_idle_no_client",
     "`#[fastrace::trace]`, no parent", "c6_fastrace_no_parent"),
    ("unsampled root (init client, rate 0)", "`#[monitored]`",
     "t4_monitored_root_unsampled_tkclient",
     "the public read of the scope's span (`with_active` + `configure_scope` + `is_sampled`)",
     "c4f_public_read_unsampled_tx"),
    ("child of an unsampled root (init client)", "`#[monitored]`",
     "t4_monitored_unsampled_tx_toolkit_parent_tkclient",
     "hand-written SDK child, unsampled transaction (`c4c`, rate 0)",
     "c4c_sentry_child_scoped_rate0"),
    ("unsampled child of a scope span (init client)", "`#[monitored]`",
     "t4_monitored_unsampled_tx_tkclient",
     "the public read: `configure_scope` + `is_sampled`", "c4f_public_read_unsampled_tx"),
    ("sampled child, toolkit parent (init client)", "`#[monitored]`",
     "t4_monitored_child_of_toolkit_parent_rate1_tkclient",
     "correct hand-written expansion (`c4c`)", "c4c_sentry_child_scoped_rate1"),
    ("the same, its transaction's start, conversion and sending amortised over 500 spans",
     "`#[monitored]`", "t4_monitored_child_of_toolkit_parent_rate1_tkclient_per_tx",
     "`c4c`, the same way", "c4c_sentry_child_scoped_rate1_per_tx"),
    ("sampled child, `sentry-tower` parent (init client)", "`#[monitored]`",
     "t4_monitored_child_rate1_tkclient",
     "`#[tracing::instrument]` + `sentry-tracing`", "c3_tracing_sentry_rate1"),
    ("the same", "`#[monitored]`", "t4_monitored_child_rate1_tkclient",
     "`#[tracing::instrument(skip_all)]` + `sentry-tracing`",
     "c3_tracing_sentry_rate1_skip_all"),
    ("sampled child, sync, under a root", "`#[monitored]` (init client, toolkit parent)",
     "t4_monitored_child_of_toolkit_parent_rate1_tkclient",
     "`#[fastrace::trace]` under a root, reporter set", "c6_fastrace_root_reporter"),
    ("async fn, sampled, toolkit parent (init client)", "`#[monitored] async fn`",
     "t7_async_monitored_child_of_toolkit_parent_rate1_tkclient",
     "`#[fastrace::trace]` async under a root, reporter set",
     "c7_async_fastrace_root_reporter"),
    ("async fn, sampled, `sentry-tower` parent (init client)", "`#[monitored] async fn`",
     "t7_async_monitored_rate1_tkclient",
     "`#[tracing::instrument]` + `sentry-tracing`", "c7_async_tracing_sentry_rate1"),
    ("tail sampling on, span of an unsampled root (init client)", "`#[monitored]`",
     "t10_unsampled_span_tail_on_tkclient",
     "a sampled span, same client and parent kind",
     "t4_monitored_child_of_toolkit_parent_rate1_tkclient"),
    ("tail sampling off, the same span", "`#[monitored]`",
     "t10_unsampled_span_tail_off_tkclient",
     "child of an unsampled root, before tail sampling existed (129)", None),
    ("RED metrics", "`#[monitored(metrics)]`", "t10_monitored_metrics_rate0",
     "the counter and distribution by hand, SDK metric API",
     "t10_red_metrics_sdk_floor_rate0"),
    ("breadcrumb (init client, development)", "`#[breadcrumb]`",
     "t5_breadcrumb_toolkit_client", "`sentry::add_breadcrumb`, plain client",
     "c5_breadcrumb_client"),
    ("error captured, with its stack (init client, development), caller's thread",
     "`#[capture_errors]` (Err)", "t8_capture_errors_err_toolkit_client",
     "`sentry::capture_error`, plain client (no stack)", "c8_capture_error"),
    ("the same, 50 breadcrumbs in scope", "`#[capture_errors]` (Err)",
     "t8_capture_errors_err_toolkit_client_50_crumbs",
     "`sentry::capture_error`, plain client", "c8_capture_error_50_crumbs"),
    ("scrubbing one envelope (transport's preparation thread)",
     "error event, 50 breadcrumbs, its stack", "s9_scrub_error_envelope",
     "cloning that envelope (included on the left)", "s9_clone_error_envelope"),
    ("scrubbing one envelope (transport's preparation thread)", "transaction, 20 spans",
     "s9_scrub_transaction_envelope", "cloning that envelope (included on the left)",
     "s9_clone_transaction_envelope"),
    ("outgoing HTTP request, sampled, toolkit parent (init client)",
     "`http.client` span + `sentry-trace` + `baggage`",
     "t9_http_client_inject_toolkit_parent_rate1_tkclient",
     "the two headers into a fresh `HeaderMap` alone (no span)",
     "c9b_header_map_trace_headers_floor"),
    ("the same", "`http.client` span + `sentry-trace` + `baggage`",
     "t9_http_client_inject_toolkit_parent_rate1_tkclient",
     "the SDK's span with the same data, no headers",
     "c9a_sentry_http_client_span_given_parent_rate1"),
    ("outgoing HTTP request, unsampled trace (init client)", "headers only, decision `0`",
     "t9_http_client_inject_unsampled_toolkit_parent_tkclient", "", None),
]


def load(run):
    cg = {}
    for line in (run / "callgrind.tsv").read_text().splitlines():
        if line.strip():
            case, value = line.split("\t")
            cg[case] = float(value)
    with (run / "census.tsv").open() as f:
        census = {r["case"]: r for r in csv.DictReader(f, delimiter="\t")}
    return cg, census


def main():
    run = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "target" / "bench-anchors"
    cg, census = load(run)
    missing = sorted({c for row in ROWS for c in (row[2], row[4]) if c}
                     - (cg.keys() & census.keys()))
    if missing:
        sys.exit(f"{run}: not measured in this run: {', '.join(missing)}")

    def allocs(case):
        a = float(census[case]["allocs_per_call"])
        return f"{a:.2f}".rstrip("0").rstrip(".") if a else "0"

    print("| what | toolkit | instr | allocs | compared with | instr | allocs |")
    print("|---|---|---:|---:|---|---:|---:|")
    for what, toolkit, case, anchor_what, anchor in ROWS:
        right = (f"{cg[anchor]:,.0f} | {allocs(anchor)}" if anchor else " | ")
        print(f"| {what} | {toolkit} | {cg[case]:,.0f} | {allocs(case)} | {anchor_what} | {right} |")


if __name__ == "__main__":
    main()
