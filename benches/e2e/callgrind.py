#!/usr/bin/env python3
"""Instructions per request of the web service, by thread and function, under callgrind.

    benches/e2e/callgrind.py --binary target/release/web-service --config rate1-sending
    benches/e2e/callgrind.py --binary ... --config off --requests 2000

Runs the service under `valgrind --tool=callgrind --separate-threads=yes` (and the envelope
sink for `rate1-sending`), warms it up with `--warmup` requests, zeroes the counters
(`callgrind_control -z`), sends `--requests` requests one after the other on one kept-alive
connection, waits for the transport to drain, and dumps (`callgrind_control -d`). One
profile per thread lands in `--out` (default `target/e2e/callgrind/<config>/`); the summary
printed is each thread's instructions per request, named by the thread's entry function.
Read a thread's functions with `callgrind_annotate --inclusive=yes FILE`.

Instruction counts leave out the kernel (syscalls, context switches, loopback TCP): read
`threads.py` for the CPU time those cost.
"""
import argparse
import http.client
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import run as e2e  # noqa: E402
from threads import CONFIGS, configured  # noqa: E402

# A thread is named after the first of these functions its profile contains.
ROLES = [
    ("transport: sentry-remote", "monitor_runtime::transport::http::RemoteSink"),
    ("transport: sentry-console", "monitor_runtime::transport::console::ConsoleSink"),
    ("transport: sentry-prepare", "monitor_runtime::transport::Stage"),
    # SQLite itself runs only on sqlx's worker threads (which also name tokio's worker
    # module, through what they share with the application's runtime).
    ("sqlx-sqlite worker", "sqlite3VdbeExec"),
    ("application (tokio worker)", "tokio::runtime::scheduler::multi_thread::worker"),
    ("SDK batcher", "sentry_core::client::batcher"),
    ("SDK session flusher", "sentry_core::session"),
    ("main", "web_service::main"),
]


def requests(port, count):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        conn.request("GET", e2e.ROUTE, headers={"Authorization": "Bearer admin-token"})
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {e2e.ROUTE}: HTTP {response.status}")
    conn.close()


def role(path):
    text = path.read_text(errors="replace")
    for name, needle in ROLES:
        if needle in text:
            return name
    return "other"


def total(path):
    for line in path.read_text(errors="replace").splitlines():
        if line.startswith("summary:") or line.startswith("totals:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", required=True)
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    parser.add_argument("--sink-binary", default=str(e2e.ROOT / "target/release/envelope-sink"))
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--out", default=None)
    parser.add_argument(
        "--summarize", action="store_true",
        help="only summarise the profiles already in --out (no run)",
    )
    args = parser.parse_args()
    out = pathlib.Path(args.out or e2e.OUT / "callgrind" / args.config)
    if args.summarize:
        summarize(out, args.config, args.requests, None)
        return
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)

    env, sink, _ = configured(args.config, args.sink_binary)
    try:
        with tempfile.TemporaryDirectory() as db_dir:
            port = e2e.free_port()
            service_env = e2e.service_env(port, db_dir, env)
            service = subprocess.Popen(
                ["valgrind", "--tool=callgrind", "--separate-threads=yes",
                 f"--callgrind-out-file={out}/callgrind.out.%p", args.binary],
                env=service_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=db_dir,
            )
            try:
                e2e.wait_until_up(f"http://127.0.0.1:{port}/health/monitoring", service, 300)
                requests(port, args.warmup)
                time.sleep(3.0)
                subprocess.run(["callgrind_control", "-z", str(service.pid)], check=True,
                               capture_output=True)
                started = time.time()
                requests(port, args.requests)
                time.sleep(3.0)  # the transport drains
                subprocess.run(["callgrind_control", "-d", "measured", str(service.pid)],
                               check=True, capture_output=True)
                elapsed = time.time() - started
            finally:
                e2e.stop(service, 120)
    finally:
        if sink:
            e2e.stop(sink, 10)

    summarize(out, args.config, args.requests, elapsed)


def summarize(out, config, count, elapsed):
    # `callgrind.out.<pid>.1-<thread>`: the dump of the measured requests, one per thread
    # (`callgrind.out.<pid>-<thread>` are the rest of the run, written at exit).
    dumps = sorted(p for p in out.iterdir() if re.search(r"\.1-\d+$", p.name))
    rows = {}
    for path in dumps:
        name = role(path)
        instructions = total(path)
        if instructions == 0:
            continue
        entry = rows.setdefault(name, [0, 0])
        entry[0] += instructions
        entry[1] += 1
    grand = sum(v[0] for v in rows.values())
    took = f" in {elapsed:.0f} s" if elapsed else ""
    print(f"configuration {config}: {count} requests{took} under callgrind; "
          f"{grand / count:,.0f} instructions/request in user space")
    print()
    print("| threads | count | instructions/request |")
    print("|---|---:|---:|")
    for name, (total_ir, threads) in sorted(rows.items(), key=lambda kv: -kv[1][0]):
        print(f"| {name} | {threads} | {total_ir / count:,.0f} |")
    print()
    print(f"- profiles: {out}")


if __name__ == "__main__":
    main()
