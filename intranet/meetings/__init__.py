"""Meetings of working groups: scheduling, program, invitations, answers and attendance."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
