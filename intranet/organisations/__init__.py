"""Organisations and municipalities, and the member directory."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)


def init_app(app) -> None:
    """Called by the app factory: the search box finds people and organisations."""
    from .searching import register_searching

    register_searching(app)
