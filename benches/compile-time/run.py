#!/usr/bin/env python3
"""Compile time of 500 annotated functions: the toolkit's macros against
`#[tracing::instrument]`, in debug and release.

One command:  benches/compile-time/run.py [--runs 3] [--functions 500]
              [--runtime OTHER/monitor-runtime --out DIR]   (a before/after comparison)

It generates the crates (generate.py) under target/compile-time/, builds each
variant with its dependencies once, then rebuilds the variant's crate alone `--runs`
times (touching its source) and keeps the median. Reported per variant: wall time
and CPU time (user + system of cargo and rustc; steadier than wall time on a shared
machine), the same net of the uninstrumented `plain` crate, and the ratio to
`tracing`. The table goes to stdout and to target/compile-time/RESULTS.md.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
import generate  # noqa: E402

PROFILES = ["debug", "release"]


def cargo(out, profile, *args):
    command = ["cargo", "build", "--quiet", *args]
    if profile == "release":
        command.append("--release")
    # Every rebuild compiles the crate from scratch: incremental compilation would reuse
    # the previous run's work for the unchanged source.
    env = dict(os.environ, CARGO_INCREMENTAL="0")
    return subprocess.run(command, cwd=out, check=True, env=env)


def timed_build(out, profile, variant):
    source = os.path.join(out, variant, "src", "lib.rs")
    os.utime(source)
    before = os.times()
    start = time.monotonic()
    cargo(out, profile, "-p", f"ct-{variant}")
    wall = time.monotonic() - start
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--functions", type=int, default=500)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--variants", default=",".join(generate.VARIANTS))
    parser.add_argument(
        "--runtime",
        help="measure another checkout's monitor-runtime (for a before/after comparison)",
    )
    parser.add_argument("--out", default=os.path.join(ROOT, "target", "compile-time"))
    args = parser.parse_args()
    out = os.path.abspath(args.out)
    sys.argv = ["generate.py", out, "--functions", str(args.functions)]
    if args.runtime:
        sys.argv += ["--runtime", os.path.abspath(args.runtime)]
    generate.main()
    lock = os.path.join(out, "Cargo.lock")
    if not os.path.exists(lock):
        # The toolkit's own versions of every shared dependency.
        shutil.copy(os.path.join(ROOT, "Cargo.lock"), lock)
    variants = args.variants.split(",")
    results = {}
    for profile in args.profiles.split(","):
        for variant in variants:
            # Built alone, as it is timed: the dependencies' features then match.
            print(f"== {profile} {variant}: dependencies", file=sys.stderr)
            cargo(out, profile, "-p", f"ct-{variant}")
            runs = []
            for run in range(args.runs):
                wall, cpu = timed_build(out, profile, variant)
                print(f"   {profile} {variant} run {run + 1}: {wall:.1f} s wall, {cpu:.1f} s cpu", file=sys.stderr)
                runs.append((wall, cpu))
            results[(profile, variant)] = (
                statistics.median(r[0] for r in runs),
                statistics.median(r[1] for r in runs),
            )
    report = table(results, variants, args)
    print(report)
    with open(os.path.join(out, "RESULTS.md"), "w") as f:
        f.write(report)


def table(results, variants, args):
    lines = [
        f"Compile time of {args.functions} functions (median of {args.runs} rebuilds of the crate alone;"
        " `net` subtracts the uninstrumented `plain` crate)",
        "",
        "| profile | variant | wall s | cpu s | net wall s | net cpu s | wall vs tracing | cpu vs tracing | net cpu vs tracing |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for profile in PROFILES:
        if (profile, "tracing") not in results:
            continue
        tracing = results[(profile, "tracing")]
        plain = results.get((profile, "plain"), (0.0, 0.0))
        net_tracing = (tracing[0] - plain[0], tracing[1] - plain[1])
        for variant in variants:
            wall, cpu = results[(profile, variant)]
            net = (wall - plain[0], cpu - plain[1])
            net_ratio = f"{net[1] / net_tracing[1]:.2f}x" if net_tracing[1] > 0 and variant != "plain" else ""
            lines.append(
                f"| {profile} | {variant} | {wall:.1f} | {cpu:.1f} | {net[0]:.1f} | {net[1]:.1f} | "
                f"{wall / tracing[0]:.2f}x | {cpu / tracing[1]:.2f}x | {net_ratio} |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
