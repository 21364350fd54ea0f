"""Validation of every envelope item the toolkit sends, with the `jsonschema` package of
Bugsink's own environment.

* Events are checked against Bugsink's copy of Sentry's event schema, the one its strict
  validation (`VALIDATE_ON_DIGEST = "strict"`) uses.
* Bugsink does not ingest the other item types, so their shapes are checked against the
  schemas below, written from Sentry's SDK documentation (develop.sentry.dev: transactions
  and spans, check-ins, client reports, logs, trace metrics). A transaction is first checked
  as an event (everything but its span list and its start time), then each span.
"""

import json
import os

import jsonschema

HEX16 = {"type": "string", "pattern": "^[0-9a-f]{16}$"}
HEX32 = {"type": "string", "pattern": "^[0-9a-f]{32}$"}
TIMESTAMP = {"anyOf": [{"type": "number"}, {"type": "string"}]}

SPAN = {
    "type": "object",
    "required": ["span_id", "trace_id", "start_timestamp"],
    "additionalProperties": False,
    "properties": {
        "span_id": HEX16, "trace_id": HEX32, "parent_span_id": HEX16,
        "op": {"type": "string"}, "description": {"type": "string"},
        "status": {"type": "string"}, "origin": {"type": "string"},
        "start_timestamp": TIMESTAMP, "timestamp": TIMESTAMP,
        "exclusive_time": {"type": "number"}, "same_process_as_parent": {"type": "boolean"},
        "tags": {"type": "object", "additionalProperties": {"type": "string"}},
        "data": {"type": "object"},
    },
}

CHECK_IN = {
    "type": "object",
    "required": ["check_in_id", "monitor_slug", "status"],
    "additionalProperties": False,
    "properties": {
        "check_in_id": HEX32,
        "monitor_slug": {"type": "string", "minLength": 1, "maxLength": 50},
        "status": {"enum": ["in_progress", "ok", "error"]},
        "duration": {"type": "number", "minimum": 0},
        "release": {"type": "string"}, "environment": {"type": "string"},
        "contexts": {"type": "object"},
        "monitor_config": {
            "type": "object",
            "additionalProperties": False,
            "required": ["schedule"],
            "properties": {
                "schedule": {"anyOf": [
                    {"type": "object", "additionalProperties": False, "required": ["type", "value"],
                     "properties": {"type": {"const": "crontab"}, "value": {"type": "string"}}},
                    {"type": "object", "additionalProperties": False, "required": ["type", "value", "unit"],
                     "properties": {"type": {"const": "interval"}, "value": {"type": "integer"},
                                    "unit": {"enum": ["year", "month", "week", "day", "hour", "minute"]}}},
                ]},
                "checkin_margin": {"type": "integer"}, "max_runtime": {"type": "integer"},
                "timezone": {"type": "string"}, "failure_issue_threshold": {"type": "integer"},
                "recovery_threshold": {"type": "integer"},
            },
        },
    },
}

CLIENT_REPORT = {
    "type": "object",
    "required": ["discarded_events"],
    "additionalProperties": False,
    "properties": {
        "timestamp": TIMESTAMP,
        "discarded_events": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["reason", "category", "quantity"],
            "properties": {
                "reason": {"enum": ["queue_overflow", "cache_overflow", "buffer_overflow", "ratelimit_backoff",
                                    "network_error", "sample_rate", "before_send", "event_processor",
                                    "insufficient_data", "backpressure", "send_error", "internal_sdk_error"]},
                "category": {"enum": ["default", "error", "transaction", "security", "attachment", "session",
                                      "profile", "replay", "internal", "span", "log_item", "log_byte",
                                      "monitor", "trace_metric", "trace_metric_byte", "feedback"]},
                "quantity": {"type": "integer", "minimum": 0},
            },
        }},
    },
}

ATTRIBUTES = {"type": "object", "additionalProperties": {
    "type": "object", "required": ["value", "type"],
    "properties": {"type": {"enum": ["string", "boolean", "integer", "double"]}, "value": {}},
}}

LOGS = {
    "type": "object", "required": ["items"], "additionalProperties": False,
    "properties": {"items": {"type": "array", "items": {
        "type": "object", "required": ["timestamp", "trace_id", "level", "body"],
        "additionalProperties": False,
        "properties": {
            "timestamp": TIMESTAMP, "trace_id": HEX32, "span_id": HEX16,
            "level": {"enum": ["trace", "debug", "info", "warn", "error", "fatal"]},
            "body": {"type": "string"}, "severity_number": {"type": "integer"},
            "attributes": ATTRIBUTES,
        },
    }}},
}

METRICS = {
    "type": "object", "required": ["items"], "additionalProperties": False,
    "properties": {"items": {"type": "array", "items": {
        "type": "object", "required": ["timestamp", "trace_id", "name", "type", "value"],
        "additionalProperties": False,
        "properties": {
            "timestamp": TIMESTAMP, "trace_id": HEX32, "span_id": HEX16,
            "name": {"type": "string", "minLength": 1},
            "type": {"enum": ["counter", "gauge", "distribution"]},
            "value": {"type": "number"}, "unit": {"type": "string"},
            "attributes": ATTRIBUTES,
        },
    }}},
}

# Keys a transaction adds to an event.
TRANSACTION_ONLY = ("spans", "start_timestamp", "measurements")


def _bugsink_event_schema():
    import bugsink  # noqa: the package of Bugsink's environment, for its file
    site = os.path.dirname(os.path.dirname(bugsink.__file__))
    with open(os.path.join(site, "api", "event.schema.altered.json"), encoding="utf-8") as f:
        return json.load(f)


EVENT = _bugsink_event_schema()


def _errors(schema, instance):
    """The most relevant error (jsonschema's best match, inside `anyOf`s), or nothing."""
    best = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(instance))
    if best is None:
        return []
    message = best.message if len(best.message) < 300 else best.message[:300] + "..."
    return ["%s: %s" % (best.json_path, message)]


def as_sent(item_type, payload):
    """The payload without what Spotlight adds to what it shows: a `type` naming the item
    (`event` on error events) and `__spotlight*` keys."""
    if not isinstance(payload, dict):
        return payload
    payload = {k: v for k, v in payload.items() if not k.startswith("__spotlight")}
    if payload.get("type") in (item_type, "event") and item_type != "transaction":
        del payload["type"]
    return payload


def problems(item_type, payload):
    """What is invalid about one envelope item (as Spotlight shows it); empty when valid."""
    payload = as_sent(item_type, payload)
    if item_type == "event":
        return _errors(EVENT, payload)
    if item_type == "transaction":
        found = []
        if payload.get("type") != "transaction":
            found.append("$.type: expected 'transaction'")
        if not isinstance(payload.get("transaction_info", {}).get("source"), str):
            found.append("$.transaction_info.source: missing")
        found += _errors(EVENT, {k: v for k, v in payload.items() if k not in TRANSACTION_ONLY})
        for index, span in enumerate(payload.get("spans", [])):
            found += ["$.spans[%d]%s" % (index, e[1:]) for e in _errors(SPAN, span)]
        return found
    if item_type == "check_in":
        return _errors(CHECK_IN, payload)
    if item_type == "client_report":
        return _errors(CLIENT_REPORT, payload)
    if item_type == "log":
        return _errors(LOGS, payload)
    if item_type == "trace_metric":
        return _errors(METRICS, payload)
    return ["unexpected item type %r" % item_type]
