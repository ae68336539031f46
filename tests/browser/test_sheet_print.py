"""The printed attendance sheet: page numbers, and "Zapsal(a)" never alone on the last page."""

import io

import pytest
from pypdf import PdfReader

from intranet.extensions import db
from intranet.policy import Role

from ..conftest import PASSWORD
from .conftest import DESKTOP, logged_in_page


def printed_pages(browser, live_server, email, meeting_id) -> list[str]:
    context, page, _errors = logged_in_page(browser, live_server, email, DESKTOP, PASSWORD)
    page.goto(f"{live_server}/meetings/{meeting_id}/sheet")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    context.close()
    return [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("members", [12, 16, 20, 23])
def test_footer_stays_with_the_table_and_pages_are_numbered(browser, live_server, create_member,
                                                            create_group, create_meeting,
                                                            members):
    secretary = create_member(Role.SECRETARY)
    group = create_group(members=[create_member(first_name=f"Člen{n}") for n in range(members)])
    meeting = create_meeting(group)
    email, meeting_id = secretary.email, meeting.id
    db.session.commit()
    pages = printed_pages(browser, live_server, email, meeting_id)
    total = len(pages)
    assert total >= 2
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {total}" in text, text[-200:]
    last = pages[-1]
    assert "Zapsal(a):" in last
    rows_on_last_page = [line for line in last.splitlines() if line.strip()[:2].strip().isdigit()]
    assert rows_on_last_page, f"the footer is alone on the last page: {last!r}"
