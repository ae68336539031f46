"""Organisations and municipalities, and the member directory."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)
