"""Working groups: their members, coordinators and communication rules."""

from flask import Blueprint

bp = Blueprint("groups", __name__)
