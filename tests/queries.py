"""Counting SQL statements, to check that a page's queries do not grow with the data."""

import sqlalchemy as sa

from intranet.extensions import db


class QueryCounter:
    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._count)

    def _count(self, *args):
        self.count += 1


def queries_for(client, url: str) -> int:
    """How many SQL statements one GET of the page runs (it must answer 200), after a first
    GET, as the bench counts them: what is kept between requests (lists of names, the
    statistics) is then read from the cache, as on a running server."""
    assert client.get(url).status_code == 200, url
    with QueryCounter(db.engine) as counter:
        assert client.get(url).status_code == 200, url
    return counter.count
