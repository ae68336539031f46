"""Minutes: the first text from the meeting, saving with history, and the way to publication.

Every change of state is one conditional UPDATE from the states it may come from, so two
people pressing the same button at once change it once (and publish once).
"""

import difflib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import force_locale
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, raiseload, selectinload

from ..accounts.models import Member
from ..database import found_or_404, prebuilt, rows_of, utcnow
from ..extensions import db
from ..groups.models import GroupMembership
from ..mail.waiting import tell_waiting
from ..markup import plain_text, render_markdown
from ..meetings import attendance
from ..meetings.models import AgendaItem, Meeting, MeetingStatus, Presence
from ..meetings.services import planned_next
from ..policy import Role
from ..search import MINUTES_INDEX, index_text
from . import minutes_corrected, minutes_published, tasks
from .models import Minutes, MinutesReading, MinutesRevision, MinutesState

MAX_BYTES = 1_000_000
REVISION_SPAN = timedelta(minutes=15)  # one person's saves this close together: one revision
EDITABLE = (MinutesState.DRAFT,)


class StaleVersion(Exception):
    """Someone saved the minutes since the editor loaded them: nothing was overwritten."""


class NotEditable(Exception):
    """The minutes are past the draft (waiting for approval, approved or published)."""


class NotStarted(Exception):
    """The meeting has not begun yet or was cancelled: no minutes."""


class TooLong(ValueError):
    """The text is over MAX_BYTES."""


class EmptyMinutes(ValueError):
    """Minutes without text cannot go for approval."""


def get_minutes(minutes_id: int) -> Minutes:
    """The minutes with their meeting and its group, or 404."""
    return found_or_404(_minutes(), {"minutes_id": minutes_id})


@prebuilt
def _minutes() -> sa.Select:
    return (sa.select(Minutes).options(joinedload(Minutes.meeting).joinedload(Meeting.group),
                                       raiseload("*"))
            .where(Minutes.id == sa.bindparam("minutes_id")))


def minutes_of(meeting_id: int) -> Minutes | None:
    return db.session.scalar(_minutes_of(), {"meeting_id": meeting_id})


@prebuilt
def _minutes_of() -> sa.Select:
    return (sa.select(Minutes).options(raiseload("*"))
            .where(Minutes.meeting_id == sa.bindparam("meeting_id")))


def state_of(meeting_id: int) -> sa.Row | None:
    """The meeting's minutes as a row of their id and state (what deciding who may read them
    and their badge need), or None; the record carries their whole text."""
    return rows_of(_state_of(), {"meeting_id": meeting_id}).first()


@prebuilt
def _state_of() -> sa.Select:
    return (sa.select(Minutes.id, Minutes.state)
            .where(Minutes.meeting_id == sa.bindparam("meeting_id")))


def shown_on_meeting(meeting_id: int, member_id: int) -> sa.Row | None:
    """The meeting's minutes as its page shows them, or None: their id and state (who may
    read them, their badge), once published also their text's HTML, when they were published
    and last corrected, and whether the member has read them (drafts are read on their own
    page)."""
    return rows_of(_shown_on_meeting(), {"meeting_id": meeting_id, "member_id": member_id}
                   ).first()


@prebuilt
def _shown_on_meeting() -> sa.Select:
    published = Minutes.state == MinutesState.PUBLISHED
    read = sa.exists().where(MinutesReading.minutes_id == Minutes.id,
                             MinutesReading.member_id == sa.bindparam("member_id"))
    return (sa.select(Minutes.id, Minutes.state, sa.case((published, Minutes.html)).label("html"),
                      Minutes.published_at, Minutes.corrected_at, read.label("read"))
            .where(Minutes.meeting_id == sa.bindparam("meeting_id")))


def start(meeting: Meeting, author: Member) -> Minutes:
    """The meeting's minutes, begun now from what the intranet knows if they do not exist yet
    (two people starting at once get the same minutes)."""
    existing = minutes_of(meeting.id)
    if existing:
        return existing
    if not meeting.has_begun or meeting.status is MeetingStatus.CANCELLED:
        raise NotStarted
    text = first_text(meeting, author)
    minutes = Minutes(meeting_id=meeting.id, created_by_id=author.id, text=text,
                      html=str(render_markdown(text)))
    db.session.add(minutes)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return minutes_of(meeting.id)
    _keep_revision(minutes, author)
    db.session.commit()
    return minutes


def first_text(meeting: Meeting, author: Member) -> str:
    """The header, program with presenters, attendance, guests and the next meeting as
    Markdown, in Czech like the minutes of the territory, and "Zapsal(a):" the author."""
    meeting = db.session.scalar(sa.select(Meeting).options(
        joinedload(Meeting.group), joinedload(Meeting.next_meeting), selectinload(Meeting.agenda)
        .selectinload(AgendaItem.presenters), raiseload("*")).where(Meeting.id == meeting.id))
    rows = attendance.attendance_rows(meeting)
    with force_locale("cs"):
        return render_template(
            "minutes/new_minutes.txt", meeting=meeting, author=author,
            present=[r for r in rows if r.presence is Presence.PRESENT],
            excused=[r for r in rows if r.shown_presence is Presence.EXCUSED],
            guests=attendance.guests_of(meeting), next_meeting=planned_next(meeting),
            open_tasks=tasks.open_before(meeting.group_id, meeting.starts_at),
            current_language="cs").strip() + "\n"


def save(minutes: Minutes, author: Member, text: str, version: int) -> Minutes:
    """Save the text of a draft if nobody saved since `version` (else StaleVersion, or
    NotEditable past the draft); unchanged text is not saved again."""
    text = _checked(text)
    if text == minutes.text and version == minutes.version:
        return minutes
    if not _write(minutes, text, version, EDITABLE):
        raise StaleVersion if minutes.state in EDITABLE else NotEditable
    _keep_revision(minutes, author)
    db.session.commit()
    return minutes


def correct(minutes: Minutes, author: Member, text: str, version: int, reason: str) -> bool:
    """Correct published minutes: a new revision that says why, the search index and the
    other features told (minutes_corrected); False when the text did not change."""
    text = _checked(text)
    if text == minutes.text:
        return False
    if not _write(minutes, text, version, (MinutesState.PUBLISHED,), corrected_at=utcnow()):
        raise StaleVersion
    revision = MinutesRevision(minutes_id=minutes.id, number=latest_revision(minutes.id).number
                               + 1, text=text, html=minutes.html, author_id=author.id,
                               started_at=minutes.saved_at, saved_at=minutes.saved_at,
                               correction=reason)
    db.session.add(revision)
    index_text(MINUTES_INDEX, minutes.id, plain_text(minutes.html))
    minutes_corrected.send(minutes, revision=revision)
    db.session.commit()
    return True


def _checked(text: str) -> str:
    """The text as stored (Unix line ends), or TooLong."""
    text = text.replace("\r\n", "\n")
    if len(text.encode()) > MAX_BYTES:
        raise TooLong
    return text


def _write(minutes: Minutes, text: str, version: int, states, **values) -> bool:
    """Store the text and its rendering (made here, once per saved text) if the minutes are
    still at `version` and in one of `states`; the minutes as stored either way."""
    updated = db.session.execute(
        sa.update(Minutes)
        .where(Minutes.id == minutes.id, Minutes.version == version, Minutes.state.in_(states))
        .values(text=text, html=str(render_markdown(text)), version=Minutes.version + 1,
                saved_at=utcnow(), **values)
        .execution_options(synchronize_session=False)).rowcount == 1
    if not updated:
        db.session.rollback()
    db.session.refresh(minutes)
    return updated


def _keep_revision(minutes: Minutes, author: Member) -> None:
    """Record the current text: in the author's latest revision if they saved it moments ago,
    else as the next revision."""
    latest = latest_revision(minutes.id)
    now = utcnow()
    if latest and latest.author_id == author.id and now - latest.saved_at < REVISION_SPAN:
        latest.text, latest.html, latest.saved_at = minutes.text, minutes.html, now
        return
    db.session.add(MinutesRevision(minutes_id=minutes.id, number=(latest.number + 1) if latest
                                   else 1, text=minutes.text, html=minutes.html,
                                   author_id=author.id, started_at=now, saved_at=now))


def latest_revision(minutes_id: int) -> MinutesRevision | None:
    """The newest revision, with its author."""
    return db.session.scalar(
        sa.select(MinutesRevision)
        .options(joinedload(MinutesRevision.author), raiseload("*"))
        .where(MinutesRevision.minutes_id == minutes_id)
        .order_by(MinutesRevision.number.desc()).limit(1))


# --- the way to publication ------------------------------------------------------------

def submit(minutes: Minutes) -> bool:
    """Send the draft for approval (not an empty one); those who approve are told by mail
    ("Čeká na vás", at most once a day each)."""
    if not minutes.text.strip():
        raise EmptyMinutes
    return _move(minutes, [MinutesState.DRAFT], MinutesState.SUBMITTED, submitted_at=utcnow(),
                 then=lambda: tell_waiting(approvers(minutes)))


def approvers(minutes: Minutes) -> list[Member]:
    """Who approves the minutes (policy.may_approve_minutes): the group's coordinators; a
    group without one, the administrators but the one who started them."""
    coordinators = db.session.scalars(
        sa.select(Member).join(GroupMembership, GroupMembership.member_id == Member.id)
        .where(GroupMembership.group_id == minutes.meeting.group_id,
               GroupMembership.is_coordinator, Member.deactivated_at.is_(None))).all()
    return coordinators or db.session.scalars(sa.select(Member).where(
        Member.role == Role.ADMIN, Member.deactivated_at.is_(None),
        Member.id != minutes.created_by_id)).all()


def approve(minutes: Minutes, approver: Member) -> bool:
    return _move(minutes, [MinutesState.SUBMITTED], MinutesState.APPROVED,
                 approved_at=utcnow(), approved_by_id=approver.id)


def return_to_draft(minutes: Minutes) -> bool:
    """Back to the minute-taker for changes (from waiting or approved, not once published)."""
    return _move(minutes, [MinutesState.SUBMITTED, MinutesState.APPROVED], MinutesState.DRAFT,
                 submitted_at=None, approved_at=None, approved_by_id=None)


def register_audience(app, audience) -> None:
    """A higher feature that mails published minutes (the group's list) says to how many
    people: `audience(group_id)` → a number, or None when nothing is mailed."""
    app.extensions["minutes_audience"] = audience


def audience(minutes: Minutes) -> int | None:
    """How many people the publication mails (None: it mails nobody)."""
    count = current_app.extensions.get("minutes_audience")
    return count(minutes.meeting.group_id) if count else None


def publish(minutes: Minutes, publisher: Member) -> bool:
    """Publish approved minutes: recorded once, with who and when, and announced (the
    minutes_published signal) in the same transaction; False if someone was faster."""
    return _move(minutes, [MinutesState.APPROVED], MinutesState.PUBLISHED,
                 published_at=utcnow(), published_by_id=publisher.id,
                 then=lambda: _published(minutes))


def _published(minutes: Minutes) -> None:
    """In the publishing transaction: make the minutes searchable and tell the other features."""
    index_text(MINUTES_INDEX, minutes.id, plain_text(minutes.html))
    minutes_published.send(minutes)


def _move(minutes: Minutes, sources, target: MinutesState, then=None, **values) -> bool:
    moved = db.session.execute(
        sa.update(Minutes).where(Minutes.id == minutes.id, Minutes.state.in_(sources))
        .values(state=target, version=Minutes.version + 1, **values)
        .execution_options(synchronize_session=False)).rowcount == 1
    if moved:
        db.session.refresh(minutes)
        if then:
            then()
    db.session.commit()
    return moved


# --- history ---------------------------------------------------------------------------

def revisions(minutes_id: int) -> tuple[sa.Select, dict]:
    """The kept revisions, newest first, with their authors, and the values of the select's
    parameters."""
    return _revisions(), {"minutes_id": minutes_id}


@prebuilt
def _revisions() -> sa.Select:
    return (sa.select(MinutesRevision)
            .options(joinedload(MinutesRevision.author), raiseload("*"))
            .where(MinutesRevision.minutes_id == sa.bindparam("minutes_id"))
            .order_by(MinutesRevision.number.desc()))


def latest_correction(minutes_id: int) -> MinutesRevision | None:
    """The newest revision that corrected the published text, with its author."""
    return db.session.scalar(
        sa.select(MinutesRevision)
        .options(joinedload(MinutesRevision.author), raiseload("*"))
        .where(MinutesRevision.minutes_id == minutes_id, MinutesRevision.correction.is_not(None))
        .order_by(MinutesRevision.number.desc()).limit(1))


def revision(minutes_id: int, number: int) -> MinutesRevision | None:
    return db.session.scalar(
        sa.select(MinutesRevision).options(joinedload(MinutesRevision.author), raiseload("*"))
        .where(MinutesRevision.minutes_id == minutes_id, MinutesRevision.number == number))


def differences(old: str, new: str) -> list[tuple[str, str]]:
    """The lines of two texts as (kind, line): kind is "same", "removed" or "added"."""
    kinds = {" ": "same", "-": "removed", "+": "added"}
    return [(kinds[line[0]], line[2:]) for line in difflib.ndiff(
        old.splitlines(), new.splitlines()) if line[0] in kinds]
