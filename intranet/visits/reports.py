"""Participants' reports after a visit: written by those who went, read by every member,
shared to the territory's list by the organiser (the member list posts it, see
`visit_report_shared`)."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, raiseload

from ..database import prebuilt, utcnow
from ..extensions import db
from . import visit_report_shared
from .models import Registration, Status, VisitReport
from .services import today


def may_report(registration: Registration | None) -> bool:
    """Whoever had a place writes a report once their date has begun."""
    return (registration is not None and registration.status is Status.CONFIRMED
            and registration.slot.starts_on <= today())


def of_visit(visit_id: int) -> list[VisitReport]:
    """The visit's reports, oldest first, with their authors."""
    return db.session.scalars(_of_visit(), {"visit_id": visit_id}).all()


@prebuilt
def _of_visit() -> sa.Select:
    return (sa.select(VisitReport).options(joinedload(VisitReport.member), raiseload("*"))
            .where(VisitReport.visit_id == sa.bindparam("visit_id"))
            .order_by(VisitReport.created_at))


def report_of(visit_id: int, member_id: int) -> VisitReport | None:
    return db.session.scalar(sa.select(VisitReport).where(
        VisitReport.visit_id == visit_id, VisitReport.member_id == member_id))


def get_report(report_id: int) -> VisitReport:
    return db.get_or_404(VisitReport, report_id)


def save_report(visit_id: int, member_id: int, text: str) -> VisitReport:
    report = report_of(visit_id, member_id)
    if report is None:
        report = VisitReport(visit_id=visit_id, member_id=member_id)
        db.session.add(report)
    report.text, report.updated_at = text, utcnow()
    db.session.commit()
    return report


def share_report(report: VisitReport) -> bool:
    """Post the report to the territory's list, once (the first click counts)."""
    claimed = db.session.execute(
        sa.update(VisitReport).where(VisitReport.id == report.id,
                                     VisitReport.shared_at.is_(None))
        .values(shared_at=utcnow()).execution_options(synchronize_session=False)).rowcount
    if not claimed:
        db.session.rollback()
        return False
    db.session.refresh(report)
    visit_report_shared.send(report)
    db.session.commit()
    return True
