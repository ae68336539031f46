"""The printed attendance sheet: up to 20 names on one A4 page with the signature line, rows
tall enough to sign; longer lists numbered "N / M", "Zapsal(a)" never alone on the last page."""

import io

import pytest
from pypdf import PdfReader

from intranet.extensions import db
from intranet.policy import Role

from ..conftest import PASSWORD
from .conftest import ARTIFACTS, DESKTOP, logged_in_page

MM = 96 / 25.4  # CSS pixels in a millimetre
LONG_NAME = "Centrum sociálních služeb Dolní Lhota, příspěvková organizace"


def printed_pages(browser, live_server, email, meeting_id, name) -> tuple[list[str], list]:
    """The sheet printed to A4 as Chromium prints it: each page's text (the PDF is kept in
    test-artifacts/), and the heights of the table's rows in millimetres."""
    context, page, _errors = logged_in_page(browser, live_server, email, DESKTOP, PASSWORD)
    page.goto(f"{live_server}/meetings/{meeting_id}/sheet")
    page.emulate_media(media="print")
    heights = page.locator(".sheet tbody tr").evaluate_all(
        "rows => rows.map(row => row.getBoundingClientRect().height)")
    pdf = page.pdf(format="A4", prefer_css_page_size=True)
    context.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"sheet-{name}.pdf").write_bytes(pdf)
    return ([p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages],
            [height / MM for height in heights])


def meeting_with(create_member, create_group, create_meeting, create_organisation,
                 members, guests, organisation=None):
    organisation = organisation and create_organisation(name=organisation)
    people = [create_member(first_name=f"Člen{n}", organisation=organisation)
              for n in range(members)]
    meeting = create_meeting(create_group(members=people),
                             guests=[f"Host{n} Hostová" for n in range(guests)])
    return meeting, [p.full_name for p in people] + [g.name for g in meeting.guests]


@pytest.mark.parametrize(("members", "guests", "organisation"), [
    (12, 1, None), (20, 0, None), (17, 3, LONG_NAME)])
def test_up_to_20_names_fit_one_page_with_the_signature_line(
        browser, live_server, create_member, create_group, create_meeting, create_organisation,
        members, guests, organisation):
    secretary = create_member(Role.SECRETARY)
    meeting, names = meeting_with(create_member, create_group, create_meeting,
                                  create_organisation, members, guests, organisation)
    email, meeting_id = secretary.email, meeting.id
    db.session.commit()
    pages, heights = printed_pages(browser, live_server, email, meeting_id,
                                   f"{members}-{guests}")
    assert len(pages) == 1, [page[-200:] for page in pages]
    [text] = pages
    assert "Zapsal(a):" in text and "1 / 1" in text
    assert all(name in text for name in names), text
    assert len(heights) >= len(names) + 3  # blank rows for those who come unannounced
    assert min(heights) >= 8.5, heights  # room to sign by hand


@pytest.mark.parametrize("members", [23, 30])
def test_longer_lists_are_numbered_and_the_footer_keeps_rows(
        browser, live_server, create_member, create_group, create_meeting, create_organisation,
        members):
    secretary = create_member(Role.SECRETARY)
    meeting, names = meeting_with(create_member, create_group, create_meeting,
                                  create_organisation, members, 1)
    email, meeting_id = secretary.email, meeting.id
    db.session.commit()
    pages, _heights = printed_pages(browser, live_server, email, meeting_id, f"{members}-1")
    total = len(pages)
    assert total == 2
    for number, text in enumerate(pages, start=1):
        assert f"{number} / {total}" in text, text[-200:]
    assert all(name in "".join(pages) for name in names)
    last = pages[-1]
    assert "Zapsal(a):" in last and "Zapsal(a):" not in pages[0]
    rows_on_last_page = [line for line in last.splitlines() if line.strip()[:2].strip().isdigit()]
    assert rows_on_last_page, f"the footer is alone on the last page: {last!r}"
