"""A report from a visit, shared by its organiser, reaches the territory's list (the signal
`visit_report_shared`, inside the transaction that shares it)."""

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from ..extensions import db
from ..markup import render_markdown
from ..web import external_url
from .models import ListKind, MailingList
from .services import post_automatically


def post_visit_report(report, **_) -> None:
    territory = db.session.scalar(sa.select(MailingList).where(
        MailingList.kind == ListKind.TERRITORY))
    if territory is None:
        return
    visit = report.visit
    context = {"report": report, "visit": visit, "html": render_markdown(report.text),
               "url": external_url("visits.visit", visit_id=visit.id, _anchor="reports")}
    with force_locale("cs"):
        subject = f"Zpráva z akce: {visit.title} – {report.member.full_name}"
        text = render_template("mailing/mail/visit_report.txt", **context)
        html = render_template("mailing/mail/visit_report.html", **context)
    post_automatically(territory, subject, text, html)
