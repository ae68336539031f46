"""Outgoing mail: the outbox, its deliverer and transports, and the administrator's view."""

from flask import Blueprint

bp = Blueprint("mail", __name__)
