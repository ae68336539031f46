"""Prometheus metrics at /metrics (prometheus_client), for the addresses in
METRICS_ALLOWED_IPS only (others get 403): how long requests take, by endpoint; how many
deliveries wait in the outbox; how long ago the worker and the mail receiver last beat.

Under gunicorn each process counts its own requests; with PROMETHEUS_MULTIPROC_DIR set (a
folder emptied at each start, see gunicorn.conf.py) the processes' counts are summed, so any
process answers /metrics for all of them.
"""

import ipaddress
import os
import time
from collections.abc import Callable

from flask import Response, abort, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily

from . import heartbeats
from .logs import log_request
from .policy import public

REQUEST_SECONDS = Histogram(
    "intranet_request_seconds", "Time to answer a request, by endpoint, method and status",
    ["endpoint", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))


def register_gauge(app, name: str, documentation: str, value: Callable[[], float]) -> None:
    """A feature's figure read at each scrape (e.g. the outbox's backlog, from mail)."""
    app.extensions.setdefault("gauges", []).append((name, documentation, value))


class StateCollector:
    """What the database says at the moment of the scrape: the features' gauges, and how
    long ago each process beat."""

    def collect(self):
        for name, documentation, value in current_app.extensions.get("gauges", []):
            yield GaugeMetricFamily(name, documentation, value=value())
        ages = GaugeMetricFamily("intranet_heartbeat_age_seconds",
                                 "Seconds since the process last beat (the worker: its last "
                                 "pass)", labels=["process"])
        for name, state in heartbeats.states().items():
            if state["seconds_ago"] is not None:
                ages.add_metric([name], state["seconds_ago"])
        yield ages


STATE = CollectorRegistry(auto_describe=False)
STATE.register(StateCollector())


def init_app(app) -> None:
    app.before_request(_started)
    app.after_request(_observed)
    app.add_url_rule("/metrics", "metrics", public(metrics_view))  # its own rule: addresses


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _observed(response):
    started = g.pop("metrics_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    if request.endpoint not in (None, "static", "metrics"):
        REQUEST_SECONDS.labels(request.endpoint, request.method, response.status_code).observe(
            seconds)
    if "json_logs" in current_app.extensions:
        log_request(response, seconds)
    return response


def metrics_view():
    if not _allowed(request.remote_addr):
        abort(403)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests = CollectorRegistry()
        multiprocess.MultiProcessCollector(requests)
    else:
        requests = REGISTRY
    body = generate_latest(requests) + generate_latest(STATE)
    return Response(body, content_type=CONTENT_TYPE_LATEST,
                    headers={"Cache-Control": "no-store"})


def _allowed(address: str | None) -> bool:
    try:
        client = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(client in ipaddress.ip_network(allowed, strict=False)
               for allowed in current_app.config["METRICS_ALLOWED_IPS"])
