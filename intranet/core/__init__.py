"""The dashboard, the health check, the language switch and error pages."""

from flask import Blueprint

bp = Blueprint("core", __name__)


def init_app(app) -> None:
    from .errors import register_error_handlers

    register_error_handlers(app)
