"""Every page fits a 360 px phone (#27): members arrive on a phone from the mail. A real
browser opens every page the demo roles reach (the crawl of test_crawl.py) at 360×740 and
measures it: nothing wider than the screen, and the header at most 120 px high (the
navigation folds into a menu button)."""

import sqlalchemy as sa

from intranet.accounts.models import Member
from intranet.demo import DEMO_PASSWORD, load_demo
from intranet.extensions import db

from ..conftest import writing_request
from ..test_crawl import crawl
from .conftest import ARTIFACTS, logged_in_page

NARROW = {"width": 360, "height": 740}
ROLES = ("spravce@vranov.example", "clen@vranov.example")
PAGES = 120
WIDEST = "document.documentElement.scrollWidth"
# The innermost elements that stick out on the right: what to fix.
CULPRITS = """[...document.querySelectorAll('body *')].filter(e =>
    e.getBoundingClientRect().right > innerWidth + 1 &&
    ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 1))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
                   + ' ' + (e.textContent || '').trim().slice(0, 40))"""


def test_every_page_fits_a_360_px_phone(app, client, browser, live_server):
    with writing_request(app):
        load_demo()
    db.session.commit()
    too_wide, headers = {}, {}
    for email in ROLES:
        client.login(db.session.scalar(sa.select(Member).filter_by(email=email)), DEMO_PASSWORD)
        pages = [url for url, status in crawl(client, PAGES).items()
                 if status == 200 and client.get(url).mimetype == "text/html"]
        db.session.commit()
        context, page, errors = logged_in_page(browser, live_server, email, NARROW,
                                               DEMO_PASSWORD)
        headers[email] = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height")
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / "phone-360-dashboard.png")
        for url in pages:
            page.goto(live_server + url)
            width = page.evaluate(WIDEST)
            if width > NARROW["width"]:
                too_wide[url] = (width, page.evaluate(CULPRITS))
        context.close()
        assert errors == []
    assert too_wide == {}
    print("header heights at 360 px:", headers)
    assert all(height <= 120 for height in headers.values()), headers
