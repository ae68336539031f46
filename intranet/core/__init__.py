"""The dashboard, the health check, the language switch and error pages."""

from flask import Blueprint

bp = Blueprint("core", __name__)
