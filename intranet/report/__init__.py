"""The year in one report (výroční zpráva): the territory's cooperation in a chosen year,
generated from the meetings, minutes and their tasks, visits and the strategy; printable on
A4 and exported table by table for Czech Excel."""

from flask import Blueprint

bp = Blueprint("report", __name__)
