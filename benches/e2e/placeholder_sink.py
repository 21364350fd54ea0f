#!/usr/bin/env python3
"""Stand-in for `tools/envelope-sink` until it is in this workspace: the same command line
and routes (`--port`, first stdout line `listening on http://127.0.0.1:<port>`,
`POST /api/<project>/envelope/`, `GET /stats`, `POST /reset`, `GET /health`), in Python.
It counts envelopes and answers `200 {}` at once, over kept-alive connections.
"""
import argparse
import http.server
import json
import threading

LOCK = threading.Lock()
COUNTS = {"envelopes": 0, "bytes": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path == "/reset":
            with LOCK:
                COUNTS.update(envelopes=0, bytes=0)
            self._answer(200, {})
        elif "/envelope" in self.path or self.path == "/stream":
            with LOCK:
                COUNTS["envelopes"] += 1
                COUNTS["bytes"] += len(body)
            self._answer(200, {})
        else:
            self._answer(404, {"error": "unknown route"})

    def do_GET(self):
        if self.path == "/stats":
            with LOCK:
                self._answer(200, dict(COUNTS))
        elif self.path == "/health":
            self._answer(200, "ok")
        else:
            self._answer(404, {"error": "unknown route"})

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
