#!/usr/bin/env python3
"""Where a configuration's CPU goes: per-thread CPU of the web service under a paced load.

    benches/e2e/threads.py --binary target/release/web-service --config rate1-sending
    benches/e2e/threads.py --binary ... --config rate0 --sink   # rate 0, but sent to the sink

Starts the service (and, for `rate1-sending` or with `--sink`, the envelope sink) as
`run.py` does, warms it up, then runs one paced `wrk` phase and reads every thread's user +
system time from `/proc/<pid>/task/<tid>/stat` before and after. Threads are grouped by
name (`tokio-runtime-w` = the application's workers, `sentry-prepare`, `sentry-remote`,
`sentry-console`, the SDK's batchers and flushers, ...) and reported in µs per request,
with what the sink received by item type.

Scheduler ticks are 10 ms, so a group needs a few hundred ticks over the phase to be
read to within a few percent: keep `--seconds` at 20 or more.
"""
import argparse
import collections
import json
import os
import pathlib
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import run as e2e  # noqa: E402

CONFIGS = dict(
    (name, env)
    for name, env in [
        ("off", {}),
        ("rate0", {"SENTRY_TRACES_SAMPLE_RATE": "0"}),
        ("rate0.1", {"SENTRY_TRACES_SAMPLE_RATE": "0.1"}),
        ("rate1-local", {"SENTRY_TRACES_SAMPLE_RATE": "1.0"}),
        ("rate1-sending", {"SENTRY_TRACES_SAMPLE_RATE": "1.0", "SENTRY_DSN": None}),
    ]
)


def configured(config, sink_binary, sink=False):
    """The environment of `config`, and the sink started for it (or `sink`): env, process, port."""
    env = dict(CONFIGS[config])
    if "SENTRY_DSN" not in env and not sink:
        return env, None, None
    process, port = e2e.start_sink([sink_binary])
    env["SENTRY_DSN"] = e2e.sink_dsn(port)
    return env, process, port


def thread_cpu(pid):
    """{tid: (name, user seconds, system seconds)} for every thread of `pid`."""
    out = {}
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            text = (task / "stat").read_text()
        except OSError:
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        user, system = int(fields[11]) / e2e.TICKS, int(fields[12]) / e2e.TICKS
        out[task.name] = (name, user, system)
    return out


def group(name):
    if name.startswith("tokio-r"):
        return "application (tokio workers)"
    # Pools number their threads (`sentry-remote-0`, `sqlx-sqlite-worker-3`, ...).
    return re.sub(r"-\d+$", "-*", name) if re.search(r"-\d+$", name) else name


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    parser.add_argument("--sink", action="store_true", help="send to the sink whatever the config")
    parser.add_argument("--sink-binary", default=str(e2e.ROOT / "target/release/envelope-sink"))
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument(
        "--perf", metavar="FILE",
        help="also sample the service with `perf record -e cpu-clock --call-graph dwarf` "
        "over the measured phase, into FILE",
    )
    parser.add_argument("--rate", type=int, default=2000)
    parser.add_argument("--connections", type=int, default=40)
    args = parser.parse_args()

    env, sink, sink_port = configured(args.config, args.sink_binary, args.sink)
    try:
        with tempfile.TemporaryDirectory() as db_dir:
            port = e2e.free_port()
            service_env = e2e.service_env(port, db_dir, env)
            service = subprocess.Popen(
                [args.binary], env=service_env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, cwd=db_dir,
            )
            try:
                e2e.wait_until_up(f"http://127.0.0.1:{port}/health/monitoring", service)
                warm = e2e.load(port, service.pid, 3, args.connections, args.rate)
                time.sleep(1.0)
                if sink_port:
                    urllib.request.urlopen(
                        urllib.request.Request(f"http://127.0.0.1:{sink_port}/reset", method="POST"),
                        timeout=5,
                    ).read()
                perf = None
                if args.perf:
                    perf = subprocess.Popen(
                        ["perf", "record", "-e", "cpu-clock", "-F", "499", "--call-graph",
                         "dwarf,16384", "-p", str(service.pid), "-o", args.perf],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    )
                    time.sleep(0.5)
                before = thread_cpu(service.pid)
                paced = e2e.load(
                    port, service.pid, args.seconds, args.connections, args.rate,
                    warm["p50_ms"] or 0.0,
                )
                time.sleep(1.0)  # let the pipeline drain into the counts
                after = thread_cpu(service.pid)
                if perf:
                    perf.send_signal(signal.SIGINT)
                    perf.wait(timeout=60)
                health = e2e.get_json(f"http://127.0.0.1:{port}/health/monitoring")
                sink_stats = e2e.get_json(f"http://127.0.0.1:{sink_port}/stats") if sink_port else None
            finally:
                e2e.stop(service, 15)
    finally:
        if sink:
            e2e.stop(sink, 10)

    requests = paced["requests"]
    groups = collections.defaultdict(lambda: [0.0, 0, 0.0])
    for tid, (name, user, system) in after.items():
        _, user_before, system_before = before.get(tid, (name, 0.0, 0.0))
        g = groups[group(name)]
        g[0] += user - user_before + system - system_before
        g[1] += 1
        g[2] += system - system_before
    total = sum(g[0] for g in groups.values())
    print(f"configuration {args.config}: {requests} requests in {args.seconds} s "
          f"({paced['rps']:.0f}/s), {total * 1e6 / requests:.1f} µs CPU/request "
          f"(load average {os.getloadavg()[0]:.1f})")
    print()
    print("| threads | count | CPU s | µs/request | of which system | share |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, (cpu, count, system) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
        if cpu == 0:
            continue
        print(
            f"| `{name}` | {count} | {cpu:.2f} | {cpu * 1e6 / requests:.1f} | "
            f"{system * 1e6 / requests:.1f} | {cpu / total:.0%} |"
        )
    events = health.get("monitoring", {}).get("sentry", {}).get("events", {})
    print()
    print(f"- transport: sent {events.get('sent')}, dropped {events.get('dropped')} (whole run)")
    if sink_stats:
        print(f"- sink (measured phase): {json.dumps(sink_stats)}")


if __name__ == "__main__":
    main()
