"""The example binaries as separate processes, with every line they print kept."""

import json
import os
import re
import signal
import subprocess
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
BINARIES = os.path.join(TARGET, "debug")
# The batch job runs as a release build: stack traces are checked as users ship them.
RELEASE_BINARIES = os.path.join(TARGET, "release")

# Everything a run prints, for the secrets check at the end.
OUTPUTS = []

SUMMARY = re.compile(r"^\[monitor\] sentry shutdown: (.*)$")


def base_env(extra):
    """The environment of a child: no Sentry variable from the caller's shell leaks in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SENTRY_", "MONITOR_", "LOG_", "BUGSINK_", "SPOTLIGHT_"))
           and k not in ("RUST_LOG", "DATABASE_URL", "PORT")}
    env.update({"LOG_FORMAT": "json", "LOG_LEVEL": "info"})
    env.update(extra)
    return env


class Output:
    """The lines of a child's stdout and stderr, read as they arrive."""

    def __init__(self, name, process):
        self.name = name
        self.stdout, self.stderr = [], []
        self._lock = threading.Lock()
        self._readers = [
            threading.Thread(target=self._read, args=(process.stdout, self.stdout), daemon=True),
            threading.Thread(target=self._read, args=(process.stderr, self.stderr), daemon=True),
        ]
        for reader in self._readers:
            reader.start()
        OUTPUTS.append(self)

    def _read(self, pipe, into):
        for raw in pipe:
            with self._lock:
                into.append(raw.decode("utf-8", "replace").rstrip("\n"))

    def join(self):
        for reader in self._readers:
            reader.join(10)

    def text(self):
        with self._lock:
            return "\n".join(self.stdout + self.stderr)

    def json_logs(self):
        logs = []
        with self._lock:
            lines = list(self.stdout)
        for line in lines:
            try:
                logs.append(json.loads(line))
            except ValueError:
                pass
        return logs

    def summary(self):
        """The shutdown line parsed: {"produced": n, destination: {"delivered": n,
        "not_delivered": n, "reasons": {reason: n}}}."""
        with self._lock:
            lines = [m.group(1) for m in map(SUMMARY.match, self.stderr) if m]
        if len(lines) != 1:
            raise AssertionError("%s: expected one shutdown line on stderr, got %r" % (self.name, lines))
        parts = lines[0].split("; ")
        produced = re.match(r"(\d+) envelopes produced(?:, (\d+) discarded before sending)?$", parts[0])
        if not produced:
            raise AssertionError("unexpected shutdown line %r" % lines[0])
        result = {"produced": int(produced.group(1)), "discarded": int(produced.group(2) or 0),
                  "line": lines[0]}
        for part in parts[1:]:
            m = re.match(r"(\w+): (\d+) delivered, (\d+) not delivered(?: \((.*)\))?$", part)
            if not m:
                raise AssertionError("unexpected destination part %r" % part)
            reasons = {}
            for reason in filter(None, (m.group(4) or "").split(", ")):
                key, count = reason.split(": ")
                reasons[key] = int(count)
            result[m.group(1)] = {"delivered": int(m.group(2)), "not_delivered": int(m.group(3)),
                                  "reasons": reasons}
        return result


class Service:
    """An example's HTTP server, target/debug/`binary`, on a free port."""

    def __init__(self, binary, name, workdir, env):
        self.name = name
        self.process = subprocess.Popen(
            [os.path.join(BINARIES, binary)],
            env=base_env(dict({"PORT": "0"}, **env)),
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=workdir)
        self.output = Output(name, self.process)
        self.addr = self._wait_listening()

    def _wait_listening(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for log in self.output.json_logs():
                if log.get("message") == "listening":
                    return log["addr"]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        self.process.kill()
        raise AssertionError("%s did not start:\n%s" % (self.name, self.output.text()))

    def stop(self, timeout=60):
        """SIGTERM; returns the seconds from the signal to the exit."""
        start = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            code = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise AssertionError("%s did not exit within %ss of SIGTERM" % (self.name, timeout))
        took = time.monotonic() - start
        self.output.join()
        if code != 0:
            raise AssertionError("%s exited with %s:\n%s" % (self.name, code, self.output.text()))
        return took

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class WebService(Service):
    """target/debug/web-service on a free port with its own SQLite database."""

    def __init__(self, name, workdir, env):
        database = "sqlite:%s?mode=rwc" % os.path.join(workdir, name + ".db")
        super().__init__("web-service", name, workdir, dict({"DATABASE_URL": database}, **env))


class Gateway(Service):
    """target/debug/gateway on a free port, calling the web service at `web_service_url`."""

    def __init__(self, name, workdir, web_service_url, env):
        super().__init__("gateway", name, workdir, dict({"WEB_SERVICE_URL": web_service_url}, **env))


def run_batch_job(name, workdir, csv, env, timeout=120, binaries=RELEASE_BINARIES):
    """Runs target/release/batch-job on `csv`; returns (exit code, Output)."""
    database = "sqlite:%s?mode=rwc" % os.path.join(workdir, name + ".db")
    process = subprocess.Popen(
        [os.path.join(binaries, "batch-job"), csv, "--database", database],
        env=base_env(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        cwd=workdir)
    output = Output(name, process)
    code = process.wait(timeout)
    output.join()
    return code, output
