"""Every page each demo role reaches by following links answers without a server error, on
either database (on PostgreSQL 36 pages once answered 500 while SQLite answered them all)."""

import html
import re
from collections import deque
from urllib.parse import urlsplit

import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.demo import DEMO_PASSWORD, load_demo
from intranet.extensions import db

DEMO_ROLES = ("spravce@vranov.example", "zapisovatel@vranov.example", "clen@vranov.example",
              "starosta@vranov.example")
LINK = re.compile(r'href="(/[^"#]*)"')
NOT_FOLLOWED = ("/static/", "/lang/", "/logout")
PAGES_PER_ROLE = 150


def crawl(client, limit: int) -> dict[str, int]:
    """The status of each page reached from the dashboard through links, breadth first."""
    statuses, queue = {}, deque(["/"])
    while queue and len(statuses) < limit:
        url = queue.popleft()
        if url in statuses:
            continue
        response = client.get(url)
        statuses[url] = response.status_code
        if response.mimetype == "text/html":
            queue.extend(link for link in map(html.unescape, LINK.findall(response.text))
                         if not link.startswith(NOT_FOLLOWED) and link not in statuses
                         and urlsplit(link).path != "/")
    return statuses


def test_every_page_a_demo_role_reaches_answers(app, client):
    load_demo()
    for email in DEMO_ROLES:
        member = db.session.scalar(sa.select(Member).filter_by(email=email))
        client.login(member, DEMO_PASSWORD)
        statuses = crawl(client, PAGES_PER_ROLE)
        broken = {url: status for url, status in statuses.items() if status >= 500}
        assert broken == {}, email
        assert len(statuses) > 40, (email, statuses)  # the crawl went far
