#!/usr/bin/env python3
"""The toolkit's acceptance targets (issue 11, "Fast on the paths production takes",
and the earlier ones of issue 3), checked against the anchors measured in the *same*
run.

Usage: scripts/targets.py            (markdown on stdout)
Inputs: target/bench-anchors/callgrind.tsv (scripts/callgrind.sh) and
        target/bench-anchors/census.tsv    (cargo run --release --example census)

Every limit is computed from the anchor's instruction count in this run's
callgrind.tsv (not from the numbers published in RESULTS.md), so anchors and
toolkit come from the same binary.
"""
import csv
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench-anchors"


def load():
    cg = {}
    p = OUT / "callgrind.tsv"
    if p.exists():
        for line in p.read_text().splitlines():
            if line.strip():
                k, v = line.split("\t")
                cg[k] = float(v)
    census = {}
    p = OUT / "census.tsv"
    if p.exists():
        with p.open() as f:
            census = {r["case"]: r for r in csv.DictReader(f, delimiter="\t")}
    return cg, census


# (target, anchor expression, limit function, [toolkit cases])
# Issue 11's targets first (the client `init!()` builds is `*_tkclient`; the plain client
# of the anchors is the bare case name), then the earlier targets that still hold.
TARGETS = [
    ("unsampled root, under the toolkit's client: <= 300 instructions", None,
     lambda cg: 300.0,
     ["t4_monitored_root_unsampled_tkclient",
      "t4_monitored_root_unsampled_tkclient_sdk_seen"]),
    ("sampled child made current: <= 0.5x c4c_sentry_child_scoped_rate1",
     "c4c_sentry_child_scoped_rate1", lambda cg: 0.5 * cg["c4c_sentry_child_scoped_rate1"],
     ["t4_monitored_child_rate1_tkclient", "t4_monitored_child_of_toolkit_parent_rate1_tkclient",
      "t4_monitored_child_rate1", "t4_monitored_child_of_toolkit_parent_rate1"]),
    ("sampled child, transaction cost amortised over 500 spans: <= 0.5x c4c_sentry_child_scoped_rate1_per_tx",
     "c4c_sentry_child_scoped_rate1_per_tx",
     lambda cg: 0.5 * cg["c4c_sentry_child_scoped_rate1_per_tx"],
     ["t4_monitored_child_rate1_tkclient_per_tx",
      "t4_monitored_child_of_toolkit_parent_rate1_tkclient_per_tx",
      "t4_monitored_child_rate1_per_tx"]),
    ("unsampled child of a scope span: <= c4f_public_read_unsampled_tx (the public read's floor)",
     "c4f_public_read_unsampled_tx", lambda cg: cg["c4f_public_read_unsampled_tx"],
     ["t4_monitored_unsampled_tx_tkclient", "t4_monitored_unsampled_tx"]),
    ("child of an unsampled toolkit root: as cheap as before (129)", None,
     lambda cg: 129.0,
     ["t4_monitored_unsampled_tx_toolkit_parent_tkclient",
      "t4_monitored_unsampled_tx_toolkit_parent"]),
    ("idle, no client ever bound: <= 50 instructions per call", None,
     lambda cg: 50.0,
     ["t1_monitored_idle_no_client", "t1_breadcrumb_idle_no_client",
      "t1_capture_errors_idle_no_client"]),
    ("async sampled: <= 0.5x c7_async_tracing_sentry_rate1",
     "c7_async_tracing_sentry_rate1", lambda cg: 0.5 * cg["c7_async_tracing_sentry_rate1"],
     ["t7_async_monitored_rate1_tkclient",
      "t7_async_monitored_child_of_toolkit_parent_rate1_tkclient",
      "t7_async_monitored_rate1", "t7_async_monitored_child_of_toolkit_parent_rate1"]),
    ("async sampled, transaction cost amortised: <= 0.5x c7_async_tracing_sentry_rate1_per_tx",
     "c7_async_tracing_sentry_rate1_per_tx",
     lambda cg: 0.5 * cg["c7_async_tracing_sentry_rate1_per_tx"],
     ["t7_async_monitored_rate1_tkclient_per_tx",
      "t7_async_monitored_child_of_toolkit_parent_rate1_tkclient_per_tx"]),
    ("async sampled: within 2x of fastrace's async root (c7_async_fastrace_root_reporter)",
     "c7_async_fastrace_root_reporter", lambda cg: 2.0 * cg["c7_async_fastrace_root_reporter"],
     ["t7_async_monitored_rate1_tkclient",
      "t7_async_monitored_child_of_toolkit_parent_rate1_tkclient"]),
    ("tail sampling on, unsampled span recorded (root's cost amortised): <= 0.5x a sampled span with its transaction's cost",
     "t4_monitored_child_of_toolkit_parent_rate1_tkclient_per_tx",
     lambda cg: 0.5 * cg["t4_monitored_child_of_toolkit_parent_rate1_tkclient_per_tx"],
     ["t10_unsampled_span_tail_on_tkclient_per_tx"]),
    ("tail sampling on, unsampled span recorded (recording alone): <= 0.5x a sampled span recorded",
     "t4_monitored_child_of_toolkit_parent_rate1_tkclient",
     lambda cg: 0.5 * cg["t4_monitored_child_of_toolkit_parent_rate1_tkclient"],
     ["t10_unsampled_span_tail_on_tkclient"]),
    ("tail sampling off: an unsampled span costs what it did (t4_monitored_unsampled_tx_toolkit_parent_tkclient)",
     "t4_monitored_unsampled_tx_toolkit_parent_tkclient",
     lambda cg: cg["t4_monitored_unsampled_tx_toolkit_parent_tkclient"],
     ["t10_unsampled_span_tail_off_tkclient"]),
    ("#[breadcrumb] inside #[monitored], 100 crumbs in scope: <= 1.5x c5_breadcrumb_client",
     "c5_breadcrumb_client", lambda cg: 1.5 * cg["c5_breadcrumb_client"],
     ["t5_breadcrumb_in_monitored_100_crumbs"]),
    ("#[capture_errors] Ok path: <= c8_result_ok_path + 10",
     "c8_result_ok_path", lambda cg: cg["c8_result_ok_path"] + 10,
     ["t8_capture_errors_ok_path", "t8_capture_errors_ok_path_tkclient"]),
    ("http.client span with injection: <= 2x t4_monitored_child_of_toolkit_parent_rate1",
     "t4_monitored_child_of_toolkit_parent_rate1",
     lambda cg: 2 * cg["t4_monitored_child_of_toolkit_parent_rate1"],
     ["t9_http_client_inject_toolkit_parent_rate1"]),
    ("http.client span with injection, scope parent: <= 2x t4_monitored_child_rate1",
     "t4_monitored_child_rate1", lambda cg: 2 * cg["t4_monitored_child_rate1"],
     ["t9_http_client_inject_rate1"]),
    ("http.client span with injection, client init!() builds: "
     "<= 2x t4_monitored_child_of_toolkit_parent_rate1_tkclient",
     "t4_monitored_child_of_toolkit_parent_rate1_tkclient",
     lambda cg: 2 * cg["t4_monitored_child_of_toolkit_parent_rate1_tkclient"],
     ["t9_http_client_inject_toolkit_parent_rate1_tkclient"]),
    ("http.client span with injection, client init!() builds, scope parent: "
     "<= 2x t4_monitored_child_rate1_tkclient",
     "t4_monitored_child_rate1_tkclient", lambda cg: 2 * cg["t4_monitored_child_rate1_tkclient"],
     ["t9_http_client_inject_rate1_tkclient"]),
    ("async #[monitored], sampled: <= 0.5x c7_async_tracing_sentry_rate1",
     "c7_async_tracing_sentry_rate1", lambda cg: 0.5 * cg["c7_async_tracing_sentry_rate1"],
     ["t7_async_monitored_rate1", "t7_async_monitored_child_of_toolkit_parent_rate1"]),
    # Issue 9 (privacy): under the client init!() builds, development profile.
    ("#[breadcrumb] under the toolkit's client: <= 1.2x c5_breadcrumb_client (bare)",
     "c5_breadcrumb_client", lambda cg: 1.2 * cg["c5_breadcrumb_client"],
     ["t5_breadcrumb_toolkit_client"]),
    ("#[capture_errors] Err path under the toolkit's client, caller's thread: "
     "<= 1.2x c8_capture_error (bare)",
     "c8_capture_error", lambda cg: 1.2 * cg["c8_capture_error"],
     ["t8_capture_errors_err_toolkit_client"]),
    ("the same with 50 breadcrumbs in scope: <= 1.2x c8_capture_error_50_crumbs (bare)",
     "c8_capture_error_50_crumbs", lambda cg: 1.2 * cg["c8_capture_error_50_crumbs"],
     ["t8_capture_errors_err_toolkit_client_50_crumbs"]),
]

# (requirement, [cases], allowed allocations per call)
ALLOCS = [
    ("no client: zero allocations per call, all three macros",
     ["t1_monitored_idle_no_client", "t1_breadcrumb_idle_no_client",
      "t1_capture_errors_idle_no_client", "t1_capture_errors_err_no_client"]),
    ("unsampled root, under the toolkit's client: zero allocations",
     ["t4_monitored_root_unsampled_tkclient", "t4_monitored_root_unsampled_tkclient_sdk_seen",
      "t4_monitored_root_unsampled"]),
    ("unsampled transaction: zero span allocations",
     ["t4_monitored_unsampled_tx_tkclient", "t4_monitored_unsampled_tx_toolkit_parent_tkclient",
      "t4_monitored_traces_off_tkclient",
      "t4_monitored_unsampled_tx", "t4_monitored_unsampled_tx_toolkit_parent",
      "t4_monitored_traces_off"]),
]

# Issue 13: RED metrics allocate nothing beyond what the SDK's metric API needs.
# (requirement, toolkit case, floor case): allocations per call at most the floor's.
ALLOCS_VS_FLOOR = [
    ("#[monitored(metrics)]: no allocation beyond the SDK's metric API "
     "(t10_red_metrics_sdk_floor_rate0)",
     "t10_monitored_metrics_rate0", "t10_red_metrics_sdk_floor_rate0"),
]


def main():
    cg, census = load()
    print("| target | toolkit case | instr/call | anchor instr/call | limit | ratio to anchor | "
          "ratio to limit | verdict |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for title, anchor, limit_f, cases in TARGETS:
        try:
            limit = limit_f(cg)
        except KeyError as e:
            print(f"| {title} | (missing {e}) | | | | | | n/a |")
            continue
        a = cg.get(anchor) if anchor else None
        for c in cases:
            v = cg.get(c)
            if v is None:
                print(f"| {title} | `{c}` | n/a | | {limit:.0f} | | | n/a |")
                continue
            ratio_a = f"{v / a:.2f}x" if a else "-"
            verdict = "**met**" if v <= limit else "**not met**"
            print(f"| {title} | `{c}` | {v:.0f} | {a:.0f} | {limit:.0f} | {ratio_a} | "
                  f"{v / limit:.2f}x | {verdict} |" if a else
                  f"| {title} | `{c}` | {v:.0f} | - | {limit:.0f} | - | {v / limit:.2f}x | {verdict} |")
    print()
    print("| allocation requirement | toolkit case | allocs/call | bytes/call | verdict |")
    print("|---|---|---:|---:|---|")
    for title, cases in ALLOCS:
        for c in cases:
            r = census.get(c)
            if r is None:
                print(f"| {title} | `{c}` | n/a | n/a | n/a |")
                continue
            n = float(r["allocs_per_call"])
            verdict = "**met**" if n == 0 else "**not met**"
            print(f"| {title} | `{c}` | {r['allocs_per_call']} | {r['bytes_per_call']} | {verdict} |")
    print()
    print("| allocation requirement | toolkit case | allocs/call | floor case | floor allocs/call | "
          "verdict |")
    print("|---|---|---:|---|---:|---|")
    for title, case, floor in ALLOCS_VS_FLOOR:
        r, f = census.get(case), census.get(floor)
        if r is None or f is None:
            print(f"| {title} | `{case}` | n/a | `{floor}` | n/a | n/a |")
            continue
        n, m = float(r["allocs_per_call"]), float(f["allocs_per_call"])
        verdict = "**met**" if n <= m else "**not met**"
        print(f"| {title} | `{case}` | {r['allocs_per_call']} | `{floor}` | "
              f"{f['allocs_per_call']} | {verdict} |")


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        pass
