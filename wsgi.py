"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

import gc

from intranet import create_app

app = create_app()
# What the app built (mappers, compiled templates, catalogues) lives as long as the process:
# leave it out of the garbage collector's full passes, which otherwise stall requests.
gc.freeze()
