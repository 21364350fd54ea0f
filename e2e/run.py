"""End-to-end run of the examples against real Sentry-protocol servers (issues 8 and 10).

Run by scripts/e2e.sh, inside scripts/dev/servers.sh (which brings Bugsink and Spotlight up
on 127.0.0.1 and tears them down), with the Python of Bugsink's environment:

    scripts/e2e.sh

The web service, the gateway in front of it, and the batch job run as separate processes, pointed at the servers through
SENTRY_DSN and SENTRY_SPOTLIGHT; what arrived is read back through Bugsink's REST API and
SQLite database and Spotlight's event stream. Each check prints one line; the first failure
stops the run with a non-zero exit.
"""

import concurrent.futures
import json
import os
import sys
import tempfile
import time
import traceback
import urllib.parse

from processes import OUTPUTS, Gateway, WebService, run_batch_job, ROOT
from schemas import problems
from servers import Bugsink, HungServer, RecordingProxy, Spotlight, closed_port, http, quote

# Planted in the configuration of every run; no output may ever show them.
DSN_SECRET = "e2e0dsn0secret0key7c41"
SPOTLIGHT_PASSWORD = "e2e-spotlight-pw-5d2e"

USER = {"Authorization": "Bearer user-token"}
ADMIN = {"Authorization": "Bearer admin-token"}
STATS_ROUTE = "GET /api/v1/organisations/{id}/stats"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"

CHECKS = []


def check(condition, message, detail=""):
    if not condition:
        raise AssertionError("%s\n%s" % (message, detail))
    CHECKS.append(message)
    print("  ok  " + message, flush=True)


def with_secret(dsn):
    """The DSN with a secret key planted (Bugsink only checks the public key)."""
    scheme, rest = dsn.split("://", 1)
    key, host = rest.split("@", 1)
    return "%s://%s:%s@%s" % (scheme, key, DSN_SECRET, host)


def spotlight_url(base):
    scheme, rest = base.split("://", 1)
    return "%s://e2e:%s@%s/stream" % (scheme, SPOTLIGHT_PASSWORD, rest)


def tags(event):
    raw = event.get("tags") or {}
    return dict(raw) if isinstance(raw, dict) else {k: v for k, v in raw}


def frames(event):
    exception = (event.get("exception") or {}).get("values") or []
    stack = exception[-1].get("stacktrace") if exception else None
    return (stack or {}).get("frames") or []


def item_types(raw):
    """The item types of a serialised envelope."""
    def line(at):
        end = raw.find(b"\n", at)
        end = len(raw) if end < 0 else end
        return raw[at:end], end + 1

    types = []
    _, at = line(0)
    while at < len(raw):
        header, at = line(at)
        if not header.strip():
            continue
        header = json.loads(header)
        types.append(header.get("type"))
        if header.get("length") is None:
            _, at = line(at)
        else:
            at += header["length"] + 1
    return types


def assert_accounted(summary, destination, name):
    counts = summary[destination]
    check(counts["delivered"] + counts["not_delivered"] + summary["discarded"] == summary["produced"],
          "%s, %s: delivered %d + not delivered %d = %d envelopes produced"
          % (name, destination, counts["delivered"], counts["not_delivered"], summary["produced"]),
          summary["line"])


def tour(bugsink, spotlight, workdir):
    """The README's tour against Bugsink and Spotlight, with SENTRY_DEBUG on and secrets
    planted in the DSN and the Spotlight URL."""
    print("tour: the README's requests, SENTRY_DEBUG=true", flush=True)
    project, dsn = bugsink.create_project("tour")
    service = WebService("tour", workdir, {
        "SENTRY_DSN": with_secret(dsn),
        "SENTRY_SPOTLIGHT": spotlight_url(os.environ["SPOTLIGHT_URL"]),
        "SENTRY_ENVIRONMENT": "development",
        "SENTRY_DEBUG": "true",
        "SENTRY_ENABLE_LOGS": "true",
    })
    try:
        status, body = http(service.addr, "GET", "/api/v1/organisations/3/stats", USER)
        check(status == 500, "the tour's stats request is a 500", body)
        status, _ = http(service.addr, "GET", "/api/v1/organisations/99", USER)
        check(status == 404, "the tour's unknown organisation is a 404")
        status, _ = http(service.addr, "GET", "/api/v1/organisations",
                         dict(ADMIN, **{"sentry-trace": TRACE_ID + "-00f067aa0ba902b7-1"}))
        check(status == 200, "the traced request is a 200")
        status, _ = http(service.addr, "POST", "/api/v1/organisations/import", USER,
                         b"name,category,country\nAcme,Company,FR\n,Startup,\n")
        check(status == 200, "the CSV import runs (it emits metrics and logs)")
        status, body = http(service.addr, "GET", "/health/monitoring")
        health = json.loads(body)["monitoring"]["sentry"]
        check(health["mode"] == "remote" and health["spotlight"], "health: remote mode with Spotlight", body)
    finally:
        took = service.stop()
    summary = service.output.summary()
    assert_accounted(summary, "remote", "tour")
    assert_accounted(summary, "spotlight", "tour")

    events = bugsink.wait_for_events(project, 1, 30)
    errors = [e for e in events if e.get("exception")]
    check(len(errors) == 1, "Bugsink holds the 500 as the tour's only error event",
          json.dumps([e.get("exception") for e in events])[:2000])
    event = errors[0]
    check(not any(tags(e).get("status_code") == "404" for e in events)
          and not any(e.get("transaction") == "GET /api/v1/organisations/{id}" for e in events),
          "the 404 stores nothing")
    exception = event["exception"]["values"][-1]
    check(exception["type"] == "AppError" and "division by zero" in exception.get("value", ""),
          "the 500 is stored with its exception", json.dumps(exception)[:500])
    in_app = [f for f in frames(event) if f.get("in_app")]
    check(any("routes::organisations::stats" in f.get("function", "")
              or "service::OrganisationService::stats" in f.get("function", "") for f in in_app),
          "an in-app frame is the failing handler or service function, with file and line",
          json.dumps(frames(event)[-8:], indent=1))
    top = frames(event)[-1]
    check(top.get("in_app") and top.get("lineno") and top.get("filename", "").endswith(".rs")
          and not top.get("function", "").startswith(("monitor_runtime", "sentry", "backtrace")),
          "the newest frame is the application's, not the toolkit's", json.dumps(top))
    event_tags = tags(event)
    check(event_tags.get("error_type") == "zero_division" and event_tags.get("status_code") == "500"
          and event_tags.get("user_role") == "user" and event_tags.get("authenticated") == "true",
          "tags error_type, status_code, user_role and authenticated", json.dumps(event_tags))
    user = event.get("user") or {}
    check(user.get("id") and (user.get("data") or {}).get("role") == "user",
          "the user, with the role visible in user.data", json.dumps(user))
    crumbs = [c.get("message") for c in (event.get("breadcrumbs") or {}).get("values", [])]
    check("HTTP Request: GET /api/v1/organisations/3/stats" in crumbs
          and "Counting members of organisation 3" in crumbs
          and not any("organisations/99" in (c or "") for c in crumbs),
          "the breadcrumbs of that request, and only them", json.dumps(crumbs))
    check(event.get("release", "").startswith("web-service@") and event.get("environment") == "development"
          and event.get("transaction") == STATS_ROUTE,
          "release, environment and the route-template transaction",
          json.dumps({k: event.get(k) for k in ("release", "environment", "transaction")}))
    via_api = bugsink.event_via_api(project, event["event_id"])
    check(via_api is not None and via_api["data"]["exception"] == event["exception"],
          "the same event read back through Bugsink's REST API")

    # Spotlight: everything.
    def transactions(sp):
        return [p for _, p in sp.items("transaction") if p.get("transaction") == STATS_ROUTE]
    spotlight.wait_for(lambda sp: transactions(sp), 15)
    stats_tx = transactions(spotlight)
    check(len(stats_tx) == 1 and stats_tx[0]["transaction_info"]["source"] == "route",
          "Spotlight: the route-named transaction, with transaction_info.source = route")
    spans = stats_tx[0]["spans"]
    by_id = {s["span_id"]: s for s in spans}
    db_spans = [s for s in spans if s.get("op") == "db.query"]
    nested = [s for s in db_spans if by_id.get(s.get("parent_span_id"), {}).get("op") == "service"
              and by_id.get(by_id[s["parent_span_id"]].get("parent_span_id"), {}).get("op") == "http.handler"]
    check(nested, "Spotlight: db.query spans nested in the service span, in the handler span",
          json.dumps([(s.get("op"), s.get("description")) for s in spans]))
    spotlight_errors = [p for _, p in spotlight.items("event") if p.get("exception")]
    check(any(p["event_id"].replace("-", "") == event["event_id"].replace("-", "") for p in spotlight_errors),
          "Spotlight: the same error event")
    spotlight.wait_for(lambda sp: sp.items("log") and sp.items("trace_metric"), 15)
    check(spotlight.items("log"), "Spotlight: logs")
    metric_names = [m["name"] for _, p in spotlight.items("trace_metric") for m in p["items"]]
    check(metric_names, "Spotlight: metrics (%s)" % ", ".join(sorted(set(metric_names))))
    return took


DASHBOARD_ROUTE = "GET /api/v1/dashboard"


def public_key(dsn):
    return dsn.split("://", 1)[1].split("@", 1)[0].split(":", 1)[0]


def baggage_entries(value):
    """The `sentry-` entries of a `baggage` header, percent-decoded, and the others."""
    sentry, others = {}, []
    for member in filter(None, (m.strip() for m in value.split(","))):
        key, _, raw = member.partition("=")
        if key.startswith("sentry-"):
            sentry[key[len("sentry-"):]] = urllib.parse.unquote(raw)
        else:
            others.append(member)
    return sentry, others


def two_services(bugsink, spotlight, workdir):
    """Issue 10: one request to the gateway is one trace across the gateway and the web
    service, two processes talking HTTP (through a recording pass-through proxy, to read
    the trace headers on the wire), each with its own Bugsink project, both sending to
    Spotlight."""
    print("two services: gateway -> web service, one trace", flush=True)
    web_project, web_dsn = bugsink.create_project("web-service-traced")
    gw_project, gw_dsn = bugsink.create_project("gateway")
    common = {"SENTRY_SPOTLIGHT": spotlight_url(os.environ["SPOTLIGHT_URL"]), "SENTRY_ENVIRONMENT": "development",
              "SENTRY_SHUTDOWN_TIMEOUT": "30"}
    web = WebService("two-services-web", workdir, dict(common, SENTRY_DSN=web_dsn))
    proxy = RecordingProxy(web.addr)
    gateway = None
    try:
        gateway = Gateway("two-services-gateway", workdir, "http://" + proxy.addr,
                          dict(common, SENTRY_DSN=gw_dsn, SENTRY_TRACES_SAMPLE_RATE="1.0"))
        status, body = http(gateway.addr, "GET", "/api/v1/dashboard", ADMIN)
        dashboard = json.loads(body) if status == 200 else {}
        check(status == 200 and dashboard.get("organisations") == 3 and dashboard.get("unavailable") == 1,
              "the gateway's dashboard is a 200 over 3 organisations, one of them failing in the web service",
              body[:1000])
    finally:
        if gateway is not None:
            gateway.stop()
        web.stop()
        proxy.close()
    for destination in ("remote", "spotlight"):
        assert_accounted(gateway.output.summary(), destination, "gateway")
        assert_accounted(web.output.summary(), destination, "two-services web service")

    def envelopes_with(sp, predicate):
        return [(envelope[0], payload) for envelope in sp.envelopes() for header, payload in envelope[1]
                if header.get("type") == "transaction" and predicate(payload)]

    def trace_of(payload):
        return ((payload.get("contexts") or {}).get("trace") or {})

    def gateway_tx(sp):
        return envelopes_with(sp, lambda p: p.get("transaction") == DASHBOARD_ROUTE)

    spotlight.wait_for(gateway_tx, 15)
    found = gateway_tx(spotlight)
    check(len(found) == 1, "Spotlight: the gateway's transaction %s" % DASHBOARD_ROUTE, str(len(found)))
    gw_header, gw_payload = found[0]
    trace_id = trace_of(gw_payload).get("trace_id")
    clients = {s["span_id"]: s for s in gw_payload.get("spans", []) if s.get("op") == "http.client"}
    check(len(clients) == 4 and all((s.get("data") or {}).get("http.request.method") == "GET"
                                    and (s.get("data") or {}).get("server.address") == "127.0.0.1"
                                    for s in clients.values()),
          "the gateway's transaction has its 4 http.client spans, with method and address",
          json.dumps([(s.get("description"), s.get("data")) for s in clients.values()])[:2000])

    def web_txs(sp):
        return envelopes_with(sp, lambda p: trace_of(p).get("trace_id") == trace_id
                              and p.get("transaction") != DASHBOARD_ROUTE)

    spotlight.wait_for(lambda sp: len(web_txs(sp)) >= 4, 15)
    downstream = web_txs(spotlight)
    names = sorted(p.get("transaction") for _, p in downstream)
    check(names == ["GET /api/v1/organisations"] + [STATS_ROUTE] * 3,
          "Spotlight: the web service's 4 transactions share the gateway's trace id %s" % trace_id,
          json.dumps(names))
    parents_ok = []
    for _, payload in downstream:
        client = clients.get(trace_of(payload).get("parent_span_id"))
        served = ((payload.get("request") or {}).get("url") or "").split("/api/", 1)[-1]
        called = ((client or {}).get("data") or {}).get("url", "").split("/api/", 1)[-1]
        parents_ok.append(client is not None and served == called)
    check(parents_ok and all(parents_ok),
          "each web service transaction's parent is the gateway's http.client span that called it",
          json.dumps([(trace_of(p).get("parent_span_id"), (p.get("request") or {}).get("url")) for _, p in downstream]))

    # The dynamic sampling context: made by the gateway (the head), forwarded in baggage,
    # frozen by the web service and sent in the envelope headers of both.
    dsc = gw_header.get("trace") or {}
    expected = {"trace_id": trace_id, "public_key": public_key(gw_dsn), "sample_rate": "1", "sampled": "true",
                "environment": "development", "transaction": DASHBOARD_ROUTE}
    check(all(dsc.get(k) == v for k, v in expected.items()) and dsc.get("release", "").startswith("gateway@"),
          "the gateway's envelope header carries the trace's DSC (trace_id, public_key, sample_rate, sampled, "
          "release, environment, transaction)", json.dumps(dsc))
    check(all(header.get("trace") == dsc for header, _ in downstream),
          "the web service's transaction envelopes carry the gateway's DSC, the gateway's public key included",
          json.dumps([header.get("trace") for header, _ in downstream]))
    wire = proxy.seen()
    check(len(wire) == 4, "the proxy saw the gateway's 4 calls", json.dumps([p for p, _ in wire]))
    wire_ok = []
    for path, headers in wire:
        sentry_trace = headers.get("sentry-trace", "")
        entries, _ = baggage_entries(headers.get("baggage", ""))
        parent = sentry_trace.split("-")[1] if sentry_trace.count("-") == 2 else None
        wire_ok.append(sentry_trace.startswith(trace_id + "-") and sentry_trace.endswith("-1")
                       and parent in clients and path.endswith(clients[parent]["data"]["url"].split("/api/", 1)[-1])
                       and entries == dsc)
    check(all(wire_ok),
          "on the wire: each call's sentry-trace names its http.client span, sampled, and its baggage is the DSC",
          json.dumps(wire)[:3000])

    # The web service's 500 (organisation 3), stored in Bugsink under the same trace.
    events = [e for e in bugsink.wait_for_events(web_project, 1, 30) if e.get("exception")]
    check(len(events) == 1 and trace_of(events[0]).get("trace_id") == trace_id
          and events[0].get("transaction") == STATS_ROUTE,
          "Bugsink: the web service's 500 is stored in the gateway's trace",
          json.dumps([trace_of(e) for e in events]))
    event_envelopes = [raw for raw in bugsink.raw_envelopes(web_project) if "event" in item_types(raw)]
    headers = [json.loads(raw.split(b"\n", 1)[0]) for raw in event_envelopes]
    check(len(headers) == 1 and headers[0].get("trace") == dsc,
          "Bugsink: the error's envelope header carries the gateway's DSC", json.dumps(headers))
    check(not bugsink.events(gw_project), "Bugsink: the gateway, which handled its failure, stored no error")


def concurrent_500s(bugsink, workdir):
    print("concurrency: 50 identical 500s at once", flush=True)
    project, dsn = bugsink.create_project("concurrency")
    service = WebService("concurrency", workdir, {
        "SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "development", "SENTRY_SHUTDOWN_TIMEOUT": "60"})
    try:
        with concurrent.futures.ThreadPoolExecutor(50) as pool:
            statuses = list(pool.map(
                lambda _: http(service.addr, "GET", "/api/v1/organisations/3/stats", USER)[0], range(50)))
        check(statuses == [500] * 50, "50 concurrent 500s answered")
    finally:
        service.stop(timeout=90)
    summary = service.output.summary()
    assert_accounted(summary, "remote", "concurrency")
    events = bugsink.wait_for_events(project, 50, 30)
    issues = bugsink.issues(project)
    check(len(events) == 50 and len(issues) == 1 and issues[0][3] == 50,
          "Bugsink: exactly one issue with 50 events", "issues: %r, events: %d" % (issues, len(events)))


def burst(bugsink, workdir, name, dsn, project=None, timeout=None):
    """200 requests, 50 of them failing, then SIGTERM at once, with the default shutdown
    timeout (2 s) or SENTRY_SHUTDOWN_TIMEOUT=`timeout`. Returns the seconds from SIGTERM to
    exit."""
    env = {"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "development"}
    if timeout is not None:
        env["SENTRY_SHUTDOWN_TIMEOUT"] = str(timeout)
    service = WebService(name, workdir, env)
    try:
        paths = ["/api/v1/organisations/3/stats"] * 50 + ["/api/v1/organisations"] * 150
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            statuses = list(pool.map(lambda p: http(service.addr, "GET", p, ADMIN)[0], paths))
        check(statuses.count(500) == 50 and statuses.count(200) == 150,
              "%s: 200 requests answered, 50 of them 500s" % name)
    finally:
        took = service.stop()
    summary = service.output.summary()
    assert_accounted(summary, "remote", name)
    limit = 2 if timeout is None else timeout
    check(took <= limit + 1, "%s: SIGTERM to exit in %.2fs, within the %s s timeout + 1 s" % (name, took, limit),
          service.output.text()[-3000:])
    print("      %s" % summary["line"], flush=True)
    if project is not None:
        delivered = summary["remote"]["delivered"]
        in_flight_cut = summary["remote"]["reasons"].get("shutdown", 0)
        held = [item_types(raw) for raw in bugsink.raw_envelopes(project)]
        # Envelopes whose telemetry was rate limited still carry the client reports riding
        # with them: they reach the server but do not count as delivered. The SDK's own
        # client-report envelopes do count, so a client-report-only envelope on the server
        # is one or the other.
        telemetry = [types for types in held if set(types) - {"client_report"}]
        # An envelope cut off in flight at the deadline may still have arrived: the server
        # holds every delivered envelope, and no more telemetry than was delivered or
        # abandoned mid-request.
        check(delivered <= len(held) and len(telemetry) <= delivered + min(in_flight_cut, 4),
              "%s: Bugsink holds the %d delivered envelopes (%d kept with telemetry, %d with "
              "client reports only)" % (name, delivered, len(telemetry), len(held) - len(telemetry)),
              summary["line"])
        with_events = sum(1 for types in held if "event" in types)
        stored = len(bugsink.events(project))
        # A request abandoned mid-way may have been digested without being kept raw, or the
        # other way round; every other one is both.
        check(abs(stored - with_events) <= min(in_flight_cut, 4),
              "%s: the events it received are stored (%d stored, %d envelopes with events kept)"
              % (name, stored, with_events))
    return took


def batch_job(bugsink, spotlight, workdir):
    print("batch job: a CSV whose rows fail, several of them the same way", flush=True)
    project, dsn = bugsink.create_project("batch-job")
    csv = os.path.join(ROOT, "e2e", "data", "members-failing-rows.csv")
    code, output = run_batch_job("batch-job", workdir, csv, {
        "SENTRY_DSN": with_secret(dsn),
        "SENTRY_SPOTLIGHT": spotlight_url(os.environ["SPOTLIGHT_URL"]),
        "SENTRY_ENVIRONMENT": "development",
        "SENTRY_SHUTDOWN_TIMEOUT": "30",
    })
    check(code == 65, "the batch job exits 65 (some rows rejected)", output.text()[-3000:])
    summary = output.summary()
    assert_accounted(summary, "remote", "batch job")
    events = [e for e in bugsink.wait_for_events(project, 1, 30) if e.get("exception")]
    by_type = {}
    for event, issue in bugsink.events_with_issues(project):
        if event.get("exception"):
            by_type.setdefault(tags(event).get("error_type"), set()).add(issue)
    check(events and all(len(issues) == 1 for issues in by_type.values()),
          "Bugsink: the row failures of one error type make one issue (%s)"
          % ", ".join("%s: %d events" % (t, sum(1 for e in events if tags(e).get("error_type") == t))
                      for t in sorted(by_type, key=str)),
          json.dumps({str(k): len(v) for k, v in by_type.items()}))
    # A release build (`[profile.release]` of the workspace): every row failure's newest
    # frame is the application's validating or storing function, by its qualified name,
    # with file and line; the toolkit's and the SDK's frames are trimmed from the top.
    row_events = [e for e in events if tags(e).get("error_type") in ("invalid_email", "invalid_number")]
    tops = [frames(e)[-1] if frames(e) else {} for e in row_events]
    check(row_events and all(top.get("in_app") and top.get("function") == "batch_job::validate::validate_row"
                             and top.get("filename", "").endswith("validate.rs") and top.get("lineno")
                             for top in tops),
          "release build: each row failure's newest frame is batch_job::validate::validate_row, in-app, "
          "with file and line (%d events)" % len(row_events),
          json.dumps([frames(e)[-6:] for e in row_events[:2]], indent=1))
    in_app = [f for e in events for f in frames(e) if f.get("in_app")]
    unqualified = [f.get("function") for f in in_app if not (f.get("function") or "").startswith("batch_job::")]
    check(in_app and not unqualified,
          "release build: every in-app frame is named by its path in the batch_job crate (%d frames)" % len(in_app),
          json.dumps(unqualified[:10]))
    counts = {t: sum(1 for e in events if tags(e).get("error_type") == t) for t in by_type}
    check(counts.get("invalid_email", 0) >= 4 and counts.get("invalid_number", 0) >= 2,
          "with several rows failing the same way (invalid_email: %d, invalid_number: %d events)"
          % (counts.get("invalid_email", 0), counts.get("invalid_number", 0)), json.dumps(counts))
    job = [p for _, p in spotlight.items("transaction") if p.get("transaction") == "csv-import"]
    check(job and job[0]["transaction_info"]["source"] == "custom",
          "Spotlight: the job's transaction, named after its function, with transaction_info.source = custom")
    spotlight.wait_for(lambda sp: [p for _, p in sp.items("check_in") if p.get("status") != "in_progress"], 15)
    statuses = [p.get("status") for _, p in spotlight.items("check_in")]
    check("in_progress" in statuses and ("ok" in statuses or "error" in statuses),
          "Spotlight: the batch job's check-ins (%s)" % ", ".join(statuses))


def validation(bugsink, spotlight):
    print("validation", flush=True)
    failures = bugsink.validation_failures()
    check(not failures, "Bugsink's log: 0 validation failures over the whole run", "\n".join(failures[:20]))
    found = []
    counts = {}
    for item_type, payload in spotlight.items():
        counts[item_type] = counts.get(item_type, 0) + 1
        for problem in problems(item_type, payload):
            found.append("%s: %s" % (item_type, problem))
    check(not found and {"event", "transaction", "check_in", "log", "trace_metric", "client_report"} <= set(counts),
          "every envelope item Spotlight received is valid (%s)"
          % ", ".join("%s: %d" % kv for kv in sorted(counts.items())), "\n".join(found[:30]))


def secrets():
    print("secrets", flush=True)
    planted = [DSN_SECRET, SPOTLIGHT_PASSWORD]
    forms = set()
    for secret in planted:
        forms |= {secret, quote(secret), json.dumps(secret)[1:-1]}
    for output in OUTPUTS:
        text = output.text()
        leaked = [form for form in forms if form in text]
        check(not leaked, "%s: no secret on stdout or stderr (%d lines)"
              % (output.name, len(output.stdout) + len(output.stderr)), repr(leaked))
    debug_lines = [line for o in OUTPUTS if o.name == "tour" for line in o.stderr if line.startswith("[sentry] ")]
    check(any("invoking before_send" in line for line in debug_lines),
          "the SENTRY_DEBUG run printed the SDK's debug lines (and still no secret)")


def main():
    start = time.monotonic()
    bugsink = Bugsink(os.environ["BUGSINK_URL"], os.environ["BUGSINK_TOKEN"], os.environ["BUGSINK_DB"],
                      os.environ["BUGSINK_LOG"])
    spotlight = Spotlight(os.environ["SPOTLIGHT_URL"])
    with tempfile.TemporaryDirectory(prefix="monitor-e2e-") as workdir:
        try:
            tour(bugsink, spotlight, workdir)
            two_services(bugsink, spotlight, workdir)
            concurrent_500s(bugsink, workdir)
            print("shutdown: bursts against a server that is up, refusing and hung", flush=True)
            project, dsn = bugsink.create_project("burst")
            burst(bugsink, workdir, "burst-up", dsn, project)
            burst(bugsink, workdir, "burst-refused", "http://public@127.0.0.1:%d/1" % closed_port())
            hung = HungServer()
            try:
                burst(bugsink, workdir, "burst-hung", "http://public@127.0.0.1:%d/1" % hung.port)
                took = burst(bugsink, workdir, "burst-hung-timeout-4s", "http://public@127.0.0.1:%d/1" % hung.port,
                             timeout=4)
                check(took >= 3.5, "SENTRY_SHUTDOWN_TIMEOUT=4 sets the deadline a hung server is given (%.2fs)"
                      % took)
            finally:
                hung.close()
            batch_job(bugsink, spotlight, workdir)
            validation(bugsink, spotlight)
            secrets()
        except AssertionError as failure:
            print("FAILED: %s" % failure, flush=True)
            for output in OUTPUTS:
                print("---- %s ----\n%s" % (output.name, output.text()[-4000:]))
            return 1
        except Exception:
            traceback.print_exc()
            return 1
    print("end-to-end: %d checks passed in %.0fs" % (len(CHECKS), time.monotonic() - start), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
