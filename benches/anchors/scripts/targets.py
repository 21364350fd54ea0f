#!/usr/bin/env python3
"""The toolkit's acceptance targets (issue 3, "Side-by-side benchmark" and
"Allocation"), checked against the anchors measured in the *same* run.

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
TARGETS = [
    ("idle, no client: <= 50 instructions per call", None,
     lambda cg: 50.0,
     ["t1_monitored_idle_no_client", "t1_breadcrumb_idle_no_client",
      "t1_capture_errors_idle_no_client"]),
    ("sampled child span made current: <= 0.5x c4c_sentry_child_scoped_rate1",
     "c4c_sentry_child_scoped_rate1", lambda cg: 0.5 * cg["c4c_sentry_child_scoped_rate1"],
     ["t4_monitored_child_rate1", "t4_monitored_child_of_toolkit_parent_rate1"]),
    ("inside an unsampled transaction: <= c4c_sentry_child_scoped_no_tx",
     "c4c_sentry_child_scoped_no_tx", lambda cg: cg["c4c_sentry_child_scoped_no_tx"],
     ["t4_monitored_unsampled_tx", "t4_monitored_unsampled_tx_toolkit_parent"]),
    ("#[breadcrumb] inside #[monitored], 100 crumbs in scope: <= 1.5x c5_breadcrumb_client",
     "c5_breadcrumb_client", lambda cg: 1.5 * cg["c5_breadcrumb_client"],
     ["t5_breadcrumb_in_monitored_100_crumbs"]),
    ("#[capture_errors] Ok path: <= c8_result_ok_path + 10",
     "c8_result_ok_path", lambda cg: cg["c8_result_ok_path"] + 10,
     ["t8_capture_errors_ok_path"]),
    ("http.client span with injection: <= 2x t4_monitored_child_of_toolkit_parent_rate1",
     "t4_monitored_child_of_toolkit_parent_rate1",
     lambda cg: 2 * cg["t4_monitored_child_of_toolkit_parent_rate1"],
     ["t9_http_client_inject_toolkit_parent_rate1"]),
    ("http.client span with injection, scope parent: <= 2x t4_monitored_child_rate1",
     "t4_monitored_child_rate1", lambda cg: 2 * cg["t4_monitored_child_rate1"],
     ["t9_http_client_inject_rate1"]),
    ("async #[monitored], sampled: <= 0.5x c7_async_tracing_sentry_rate1",
     "c7_async_tracing_sentry_rate1", lambda cg: 0.5 * cg["c7_async_tracing_sentry_rate1"],
     ["t7_async_monitored_rate1", "t7_async_monitored_child_of_toolkit_parent_rate1"]),
]

# (requirement, [cases], allowed allocations per call)
ALLOCS = [
    ("no client: zero allocations per call, all three macros",
     ["t1_monitored_idle_no_client", "t1_breadcrumb_idle_no_client",
      "t1_capture_errors_idle_no_client", "t1_capture_errors_err_no_client"]),
    ("unsampled transaction: zero span allocations",
     ["t4_monitored_unsampled_tx", "t4_monitored_unsampled_tx_toolkit_parent",
      "t4_monitored_traces_off"]),
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


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        pass
