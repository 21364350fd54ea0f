#!/usr/bin/env python3
"""The whole request: the web service in release under `wrk`, in every monitoring
configuration, in one session.

    benches/e2e/run.py                       # all configurations, default durations
    benches/e2e/run.py --seconds 10          # shorter phases (a quick look)
    benches/e2e/run.py --only rate0,rate0.1  # some configurations

For each configuration the service runs as its own process (a fresh SQLite database in a
temporary directory, stdout and stderr discarded) and gets two load phases:

1. **paced**: `--rate` requests/s (default 2,000) from `--connections` connections, each
   sending one request every `connections / rate` seconds (`paced.lua`). CPU per request,
   p50, p99 and RSS come from this phase: every configuration serves the same load.
2. **saturated**: as many requests as 32 connections get through: the requests/s column.

CPU per request is the service's own user + system time (`/proc/<pid>/stat`, fields 14 and
15) over the phase, divided by the requests `wrk` completed in it. RSS is the service's
peak resident set (`VmHWM` in `/proc/<pid>/status`) at the end of the session.

Configurations (environment on top of `SENTRY_ENVIRONMENT=production`):

| name | build | traces | destination |
|---|---|---|---|
| `off` | `--features monitor-runtime/off` (skipped, and said so, while the feature is absent) | - | - |
| `rate0` | default | `SENTRY_TRACES_SAMPLE_RATE=0` | local mode (console, discarded) |
| `rate0.1` | default | `0.1` | local mode |
| `rate0.1-tail` | default | `0.1`, `SENTRY_TAIL_SAMPLING=errors` | local mode |
| `rate1-local` | default | `1.0` | local mode |
| `rate1-sending` | default | `1.0` | `SENTRY_DSN` on the in-repo envelope sink |

The sink is `tools/envelope-sink` when the workspace has it, else `placeholder_sink.py`
(same command line: `--port`, first line `listening on http://127.0.0.1:<port>`, `GET
/stats`). Envelopes the service dropped come from its `/health/monitoring` report
(`sentry.events.dropped`), and the sink's count is printed beside them.

Output: a markdown table on stdout and in `target/e2e/<timestamp>.md`, plus the raw
numbers as JSON next to it.
"""
import argparse
import datetime
import json
import os
import pathlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parents[2]
HERE = pathlib.Path(__file__).resolve().parent
OUT = ROOT / "target" / "e2e"
TICKS = os.sysconf("SC_CLK_TCK")
ROUTE = "/api/v1/organisations"
AUTH = "Authorization: Bearer admin-token"


def log(message):
    print(f"[e2e] {message}", file=sys.stderr, flush=True)


def run(cmd, **kwargs):
    log(" ".join(str(c) for c in cmd))
    subprocess.run(cmd, check=True, cwd=ROOT, **kwargs)


def has_off_feature():
    manifest = (ROOT / "monitor-runtime" / "Cargo.toml").read_text()
    features = manifest.split("[features]", 1)[-1].split("\n[", 1)[0]
    return re.search(r"^off\s*=", features, re.M) is not None


def build(work):
    """The service with and without instrumentation, and the sink."""
    binaries = {}
    run(["cargo", "build", "--release", "-p", "web-service"])
    target = ROOT / "target" / "release"
    binaries["on"] = work / "web-service-on"
    shutil.copy(target / "web-service", binaries["on"])
    if has_off_feature():
        run(["cargo", "build", "--release", "-p", "web-service", "--features", "monitor-runtime/off"])
        binaries["off"] = work / "web-service-off"
        shutil.copy(target / "web-service", binaries["off"])
        # Leave the default build in target/ as it was.
        run(["cargo", "build", "--release", "-p", "web-service"])
    else:
        log("monitor-runtime has no `off` feature yet: the `off` row is skipped")
    if (ROOT / "tools" / "envelope-sink" / "Cargo.toml").exists():
        run(["cargo", "build", "--release", "-p", "envelope-sink"])
        binaries["sink"] = [str(target / "envelope-sink")]
    else:
        log("tools/envelope-sink is not in the workspace yet: using benches/e2e/placeholder_sink.py")
        binaries["sink"] = [sys.executable, str(HERE / "placeholder_sink.py")]
    return binaries


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return json.loads(response.read())


def wait_until_up(url, process, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: the process exited with {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up in {seconds} s")


def start_sink(command):
    process = subprocess.Popen(
        command + ["--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    line = process.stdout.readline()
    match = re.search(r"http://127\.0\.0\.1:(\d+)", line)
    if not match:
        process.kill()
        raise RuntimeError(f"the sink said {line!r}, not its address")
    port = int(match.group(1))
    wait_until_up(f"http://127.0.0.1:{port}/health", process)
    return process, port


def cpu_seconds(pid):
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # Fields 14 and 15 of stat(5) (utime, stime) are at 11 and 12 after the command name.
    return (int(fields[11]) + int(fields[12])) / TICKS


def peak_rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def parse_wrk(output):
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))

    def percentile(p):
        match = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return None
        value, unit = float(match.group(1)), match.group(2)
        return value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": requests,
        "rps": rate,
        "p50_ms": percentile(50),
        "p99_ms": percentile(99),
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",
    }


def load(port, pid, seconds, connections, paced_rate=None, latency_ms=0.0):
    """One `wrk` phase; the service's CPU over it."""
    cmd = ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s", "-H", AUTH]
    env = dict(os.environ)
    if paced_rate:
        # Each connection waits `interval` ms after each response, so it sends one request
        # every `interval + latency` ms: the interval leaves room for the latency measured
        # in the warm-up (wrk's delays are whole milliseconds).
        interval = connections * 1000 / paced_rate - latency_ms
        env["E2E_INTERVAL_MS"] = str(max(1, round(interval)))
        cmd += ["-s", str(HERE / "paced.lua")]
    cmd.append(f"http://127.0.0.1:{port}{ROUTE}")
    before = cpu_seconds(pid)
    output = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    spent = cpu_seconds(pid) - before
    result = parse_wrk(output)
    result["cpu_us_per_request"] = spent * 1e6 / max(result["requests"], 1)
    return result


def service_env(port, db_dir, extra):
    """The service's whole environment: a port, a fresh database, production, and `extra`."""
    return {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", ""),
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:{db_dir}/e2e.db?mode=rwc",
        "SENTRY_ENVIRONMENT": "production",
        "SENTRY_RELEASE": "web-service@e2e",
        "LOG_LEVEL": "warn",
        **extra,
    }


def stop(process, seconds):
    """SIGTERM, then SIGKILL if `process` has not exited within `seconds`."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()


def sink_dsn(sink_port):
    return f"http://e2e@127.0.0.1:{sink_port}/1"


def measure(name, binary, env_extra, args, sink_port):
    with tempfile.TemporaryDirectory() as db_dir:
        port = free_port()
        env = service_env(port, db_dir, env_extra)
        service = subprocess.Popen(
            [str(binary)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=db_dir
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/health/monitoring", service)
            if sink_port:
                urllib.request.urlopen(
                    urllib.request.Request(f"http://127.0.0.1:{sink_port}/reset", method="POST"),
                    timeout=5,
                ).read()
            # Warm-up: connections, the database's pages, the allocator.
            warm = load(port, service.pid, 3, args.connections, args.rate)
            health_before = get_json(f"http://127.0.0.1:{port}/health/monitoring")
            paced = load(
                port, service.pid, args.seconds, args.connections, args.rate, warm["p50_ms"] or 0.0
            )
            saturated = load(port, service.pid, args.seconds, 32)
            time.sleep(1.0)  # let the transport drain
            health = get_json(f"http://127.0.0.1:{port}/health/monitoring")
            events = health.get("monitoring", {}).get("sentry", {}).get("events", {})
            events_before = health_before.get("monitoring", {}).get("sentry", {}).get("events", {})
            sink = get_json(f"http://127.0.0.1:{sink_port}/stats") if sink_port else None
            return {
                "name": name,
                "paced": paced,
                "saturated": saturated,
                "rss_mib": peak_rss_kib(service.pid) / 1024,
                "sent": events.get("sent", 0) - events_before.get("sent", 0),
                "dropped": events.get("dropped", 0) - events_before.get("dropped", 0),
                # SDK transactions tail sampling did not keep: not a loss, counted apart.
                "tail_not_kept": events.get("tail_not_kept", 0)
                - events_before.get("tail_not_kept", 0),
                "sink_envelopes": sink.get("envelopes") if sink else None,
            }
        finally:
            stop(service, 15)


def table(results, args, notes):
    off = next((r for r in results if r["name"] == "off"), None)
    lines = [
        f"Paced phase: {args.rate} requests/s requested from {args.connections} connections, "
        f"{args.seconds} s; saturated phase: 32 connections, {args.seconds} s. Route `GET {ROUTE}` "
        "(a `sentry-tower` transaction with the handler's, the service's and the query's spans).",
        "",
        "| configuration | CPU µs/request | vs `off` | requests/s (paced) | p50 ms | p99 ms | "
        "requests/s (saturated) | peak RSS MiB | envelopes sent | dropped |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        paced = r["paced"]
        ratio = f"{paced['cpu_us_per_request'] / off['paced']['cpu_us_per_request']:.2f}x" if off else "-"
        sent = r["sent"] if r["sink_envelopes"] is None else f"{r['sent']} (sink: {r['sink_envelopes']})"
        lines.append(
            f"| `{r['name']}` | {paced['cpu_us_per_request']:.1f} | {ratio} | {paced['rps']:.0f} | "
            f"{paced['p50_ms']:.2f} | {paced['p99_ms']:.2f} | {r['saturated']['rps']:.0f} | "
            f"{r['rss_mib']:.1f} | {sent} | {r['dropped']} |"
        )
    lines += [""] + [f"- {note}" for note in notes]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=20, help="length of each load phase")
    parser.add_argument("--rate", type=int, default=2000, help="requests/s of the paced phase")
    parser.add_argument("--connections", type=int, default=40, help="connections of the paced phase")
    parser.add_argument("--only", default="", help="comma-separated configuration names")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed (Debian: apt-get install wrk)")

    OUT.mkdir(parents=True, exist_ok=True)
    notes = []
    with tempfile.TemporaryDirectory() as work:
        binaries = build(pathlib.Path(work))
        configurations = [
            ("off", binaries.get("off"), {}),
            ("rate0", binaries["on"], {"SENTRY_TRACES_SAMPLE_RATE": "0"}),
            ("rate0.1", binaries["on"], {"SENTRY_TRACES_SAMPLE_RATE": "0.1"}),
            (
                "rate0.1-tail",
                binaries["on"],
                {"SENTRY_TRACES_SAMPLE_RATE": "0.1", "SENTRY_TAIL_SAMPLING": "errors"},
            ),
            ("rate1-local", binaries["on"], {"SENTRY_TRACES_SAMPLE_RATE": "1.0"}),
            ("rate1-sending", binaries["on"], {"SENTRY_TRACES_SAMPLE_RATE": "1.0", "SENTRY_DSN": None}),
        ]
        wanted = set(filter(None, args.only.split(",")))
        sink, sink_port = start_sink(binaries["sink"])
        results = []
        try:
            for name, binary, env in configurations:
                if wanted and name not in wanted:
                    continue
                if binary is None:
                    notes.append(f"`{name}`: skipped, monitor-runtime has no `off` feature on this branch yet")
                    continue
                env = dict(env)
                port = None
                if "SENTRY_DSN" in env:
                    port = sink_port
                    env["SENTRY_DSN"] = sink_dsn(sink_port)
                log(f"configuration {name}")
                results.append(measure(name, binary, env, args, port))
        finally:
            sink.terminate()
            sink.wait(timeout=10)
    if "sink" in binaries and "placeholder_sink.py" in " ".join(binaries["sink"]):
        notes.append("the sink was `benches/e2e/placeholder_sink.py` (tools/envelope-sink not in the workspace)")
    notes.append(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")
    text = table(results, args, notes)
    stamp = datetime.datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    (OUT / f"{stamp}.md").write_text(text + "\n")
    (OUT / f"{stamp}.json").write_text(json.dumps(results, indent=2) + "\n")
    print(text)


if __name__ == "__main__":
    main()
