"""Logs as one JSON object a line (LOG_FORMAT = "json", python-json-logger), for a log
collector: every record of the app with its time, level and logger, within a request also
its method, path and client; and one line per request (logger intranet.requests) with its
status and time, so that gunicorn's text access log can be switched off (WEB_ACCESS_LOG="").
"""

import logging
import sys

from flask import has_request_context, request
from pythonjsonlogger.json import JsonFormatter

REQUESTS = logging.getLogger("intranet.requests")
FIELDS = {"asctime": "time", "levelname": "level", "name": "logger"}


class RequestFields(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if has_request_context():
            record.method, record.path = request.method, request.path
            record.client = request.remote_addr
        return True


def configure_logging(app) -> None:
    """JSON lines on standard error when LOG_FORMAT is "json"; otherwise Python's defaults."""
    if app.config["LOG_FORMAT"] != "json":
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter("%(asctime)s %(levelname)s %(name)s %(message)s",
                                       rename_fields=FIELDS, json_ensure_ascii=False))
    handler.addFilter(RequestFields())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.handlers.clear()  # Flask's own handler would write the records twice
    app.extensions["json_logs"] = True


def log_request(response, seconds: float) -> None:
    """The request's line (JSON logs only)."""
    REQUESTS.info("request", extra={"status": response.status_code,
                                    "ms": round(seconds * 1000, 1)})
