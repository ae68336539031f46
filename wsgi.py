"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

import gc
import threading

from intranet import create_app, words
from intranet.database import check_database
from intranet.installation import check_installation

app = create_app()
check_database(app)  # a database that does not answer: one clear line, then exit
check_installation(app)  # another host's secret key, storage not writable: the same
threading.Thread(target=words.prepare, daemon=True).start()  # a search's words' forms
# What the app built (mappers, compiled templates, catalogues) lives as long as the process:
# leave it out of the garbage collector's full passes, which otherwise stall requests.
gc.freeze()
