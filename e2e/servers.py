"""Read-back clients for the end-to-end run: Bugsink (REST API and SQLite) and Spotlight
(its server-sent-events stream). Standard library only."""

import json
import socket
import sqlite3
import threading
import time
import urllib.parse
import urllib.request


class Bugsink:
    """The Bugsink started by scripts/dev/bugsink-up.sh (see its exported variables)."""

    def __init__(self, url, token, db_path, log_path):
        self.url, self.token, self.db_path, self.log_path = url, token, db_path, log_path

    def api(self, path, payload=None):
        request = urllib.request.Request(
            self.url + "/api/canonical/0" + path,
            data=None if payload is None else json.dumps(payload).encode(),
            headers={"Authorization": "Bearer " + self.token, "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def create_project(self, name):
        """A new project; returns (project id, DSN)."""
        teams = self.api("/teams/")["results"]
        team = teams[0]["id"] if teams else self.api("/teams/", {"name": "e2e", "visibility": "joinable"})["id"]
        project = self.api("/projects/", {"team": team, "name": name})["id"]
        return int(project), self.api("/projects/%s/" % project)["dsn"]

    def _query(self, sql, args=()):
        # Read-only and short: the server keeps writing while we read.
        db = sqlite3.connect("file:%s?mode=ro" % self.db_path, uri=True, timeout=10)
        try:
            return db.execute(sql, args).fetchall()
        finally:
            db.close()

    def events(self, project):
        """Every stored event of the project, as sent (parsed JSON)."""
        return [json.loads(row[0]) for row in self._query(
            "select data from events_event where project_id = ? order by digest_order", (project,))]

    def issues(self, project):
        """(issue id, calculated type, calculated value, digested event count) per issue."""
        return self._query(
            "select id, calculated_type, calculated_value, digested_event_count from issues_issue "
            "where project_id = ? and not is_deleted", (project,))

    def events_with_issues(self, project):
        """(event as sent, issue id) of every stored event of the project."""
        return [(json.loads(data), issue) for data, issue in self._query(
            "select data, issue_id from events_event where project_id = ? order by digest_order", (project,))]

    def raw_envelopes(self, project):
        """Raw envelopes Bugsink kept for the project (with BUGSINK_KEEP_ENVELOPES)."""
        return [bytes(row[0]) for row in self._query(
            "select data from ingest_envelope where project_pk = ?", (project,))]

    def event_via_api(self, project, event_id, timeout=10):
        """The stored event with `event_id` read through the REST API (issues, events,
        event detail), or None."""
        want = str(__import__("uuid").UUID(event_id))
        deadline = time.monotonic() + timeout
        while True:
            for issue in self.api("/issues/?project=%d&sort=last_seen&order=desc" % project)["results"]:
                for event in self.api("/events/?issue=%s" % issue["id"])["results"]:
                    if event["event_id"] == want:
                        return self.api("/events/%s/" % event["id"])
            if time.monotonic() > deadline:
                return None
            time.sleep(0.2)

    def validation_failures(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return [line.rstrip() for line in log if "ValidationError" in line]

    def wait_for_events(self, project, count, timeout):
        deadline = time.monotonic() + timeout
        while len(self.events(project)) < count and time.monotonic() < deadline:
            time.sleep(0.2)
        return self.events(project)


class Spotlight:
    """Spotlight's stream, read from the start of the run on a background thread: every
    envelope it receives, as [header, [[item header, payload], ...]]."""

    def __init__(self, url):
        self.url = url
        self._envelopes = []
        self._lock = threading.Lock()
        self._connected = threading.Event()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        if not self._connected.wait(15):
            raise RuntimeError("cannot subscribe to %s/stream" % url)

    def _read(self):
        request = urllib.request.Request(self.url + "/stream", headers={"Accept": "text/event-stream"})
        with urllib.request.urlopen(request, timeout=3600) as response:
            self._connected.set()
            data = []
            for raw in response:
                line = raw.decode("utf-8", "replace").rstrip("\n").rstrip("\r")
                if line.startswith("data:"):
                    data.append(line[5:].lstrip())
                elif line == "" and data:
                    try:
                        envelope = json.loads("\n".join(data))
                    except ValueError:
                        envelope = None
                    data = []
                    if envelope is not None:
                        with self._lock:
                            self._envelopes.append(envelope)

    def envelopes(self):
        with self._lock:
            return list(self._envelopes)

    def items(self, kind=None):
        """(item type, payload) of every envelope item received, optionally of one type."""
        out = []
        for envelope in self.envelopes():
            for header, payload in envelope[1]:
                if kind is None or header.get("type") == kind:
                    out.append((header.get("type"), payload))
        return out

    def wait_for(self, predicate, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate(self):
                return True
            time.sleep(0.2)
        return predicate(self)


class RecordingProxy:
    """A pass-through HTTP proxy on 127.0.0.1 in front of `upstream` (host:port): every
    request is forwarded as it came, and its path and headers are kept, so the run can
    read the trace headers one service sent the other on the wire."""

    def __init__(self, upstream):
        import http.client
        import http.server

        proxy = self
        self.requests = []
        self._lock = threading.Lock()

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                with proxy._lock:
                    proxy.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                connection = http.client.HTTPConnection(upstream, timeout=30)
                try:
                    headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                    connection.request("GET", self.path, headers=headers)
                    response = connection.getresponse()
                    body = response.read()
                finally:
                    connection.close()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.addr = "127.0.0.1:%d" % self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def seen(self):
        """(path, headers with lower-case names) of every request forwarded."""
        with self._lock:
            return list(self.requests)

    def close(self):
        self._server.shutdown()
        self._server.server_close()


class HungServer:
    """Accepts connections and reads requests but never answers: a Sentry that hangs."""

    def __init__(self):
        self._listener = socket.socket()
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._connections = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(connection)
            threading.Thread(target=self._drain, args=(connection,), daemon=True).start()

    @staticmethod
    def _drain(connection):
        try:
            while connection.recv(65536):
                pass
        except OSError:
            pass

    def close(self):
        self._listener.close()
        for connection in self._connections:
            connection.close()


def closed_port():
    """A port on which nothing listens (bound, then released)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def http(addr, method, path, headers=None, body=b"", timeout=30):
    """(status, body text) of one request to 127.0.0.1."""
    request = urllib.request.Request("http://%s%s" % (addr, path), data=body or None, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def quote(text):
    return urllib.parse.quote(text, safe="")
