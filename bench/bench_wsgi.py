"""The app as gunicorn serves it in the load benchmark (bench_load.py): the real app
(wsgi.py) plus the floor route, the page layout around content already in memory, of the
size of a typical page's content, and the floor form: a form sent by a logged-in member (the
member loaded and the CSRF token checked, as for every form) answered with a redirect."""

from flask import redirect, render_template
from jinja2 import ChoiceLoader, DictLoader

from wsgi import app

FLOOR_CONTENT = "<p>" + "Obsah stránky připravený v paměti. " * 500 + "</p>"  # ~18 KB
FLOOR = ("{% extends 'base.html' %}{% block title %}Podlaha{% endblock %}"
         "{% block content %}{{ content|safe }}{% endblock %}")
app.jinja_env.loader = ChoiceLoader([DictLoader({"bench/floor.html": FLOOR}),
                                     app.jinja_env.loader])


@app.get("/_bench/floor")
def bench_floor():
    return render_template("bench/floor.html", content=FLOOR_CONTENT)


@app.post("/_bench/floor-form")
def bench_floor_form():
    return redirect("/_bench/floor")
