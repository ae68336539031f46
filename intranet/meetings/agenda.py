"""The program of a meeting: items in order, each with presenters (members or guests)."""

import sqlalchemy as sa

from ..accounts.models import Member
from ..extensions import db
from ..text import fold
from .models import AgendaItem, Meeting, Presenter


def parse_presenters(text: str, candidates: list[Member]) -> list[Presenter]:
    """One presenter per line: a line naming a member links to them, any other is a guest."""
    by_name = {}
    for member in candidates:
        by_name[fold(member.full_name)] = member
        by_name[fold(f"{member.first_name} {member.last_name}")] = member
    presenters = []
    for position, line in enumerate(filter(None, map(str.strip, (text or "").splitlines()))):
        member = by_name.get(fold(line))
        presenters.append(Presenter(position=position, member=member,
                                    name=member.full_name if member else line[:200]))
    return presenters


def presenters_text(item: AgendaItem) -> str:
    return "\n".join(p.name for p in item.presenters)


def add_item(meeting: Meeting, title: str, duration: int | None, presenters: str,
             candidates: list[Member]) -> AgendaItem:
    position = max((i.position for i in meeting.agenda), default=0) + 1
    item = AgendaItem(meeting=meeting, position=position, title=title,
                      duration_minutes=duration)
    item.presenters = parse_presenters(presenters, candidates)
    db.session.add(item)
    _program_changed(meeting)
    db.session.commit()
    return item


def update_item(meeting: Meeting, item: AgendaItem, title: str, duration: int | None,
                presenters: str, candidates: list[Member]) -> None:
    item.title, item.duration_minutes = title, duration
    item.presenters = parse_presenters(presenters, candidates)
    _program_changed(meeting)
    db.session.commit()


def move_item(meeting: Meeting, item: AgendaItem, offset: int) -> None:
    """Swap the item with its neighbour above (-1) or below (+1)."""
    items = list(meeting.agenda)
    index = items.index(item)
    other = index + offset
    if 0 <= other < len(items):
        items[index].position, items[other].position = items[other].position, item.position
        _program_changed(meeting)
        db.session.commit()


def remove_item(meeting: Meeting, item: AgendaItem) -> None:
    meeting.agenda.remove(item)
    for position, remaining in enumerate(meeting.agenda, start=1):
        remaining.position = position
    _program_changed(meeting)
    db.session.commit()


def _program_changed(meeting: Meeting) -> None:
    """Calendar copies carry the program: a change is a new version for them."""
    meeting.sequence += 1


def get_item(meeting: Meeting, item_id: int) -> AgendaItem:
    return db.first_or_404(sa.select(AgendaItem).where(
        AgendaItem.id == item_id, AgendaItem.meeting_id == meeting.id))
