"""The territory's social-services strategy: priorities, goals and their owners (gestor
cíle), indicators and their owners (gestor indikátoru), who enter the values; an overview a
mayor understands at a glance."""

from flask import Blueprint

bp = Blueprint("strategy", __name__)
