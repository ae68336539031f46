"""WSGI entry point: `flask --app wsgi …` and `gunicorn wsgi:app`."""

import gc
import threading

from intranet import create_app, words
from intranet.database import StartRefused, check_database, refused_start_said
from intranet.installation import check_installation

try:  # a database that does not answer, another host's secret key, storage not writable:
    app = create_app()  # one clear line, then exit (3: gunicorn stops, no half-started server)
    check_database(app)
    check_installation(app)
except StartRefused as refused:
    raise refused_start_said(refused) from None
threading.Thread(target=words.prepare, daemon=True).start()  # a search's words' forms
# What the app built (mappers, compiled templates, catalogues) lives as long as the process:
# leave it out of the garbage collector's full passes, which otherwise stall requests.
gc.freeze()
