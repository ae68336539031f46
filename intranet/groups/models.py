"""Working groups and who belongs to them."""

from datetime import datetime
from functools import lru_cache

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..accounts.models import Member
from ..database import UTCDateTime, utcnow
from ..extensions import db
from ..i18n import gettext, request_catalogue
from ..text import fold


class WorkingGroup(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(unique=True)  # "pracovní skupina č. 4"
    name: Mapped[str] = mapped_column(sa.String(150))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    rules: Mapped[str] = mapped_column(sa.Text, default="")  # pravidla komunikace, Markdown
    reminder_days: Mapped[int] = mapped_column(default=1)  # reminder lead time before a meeting
    last_meeting_number: Mapped[int] = mapped_column(default=0)  # how many meetings it has
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # kept, no new meetings
    search_key: Mapped[str] = mapped_column(sa.String(200), default="")

    memberships: Mapped[list["GroupMembership"]] = relationship(
        back_populates="group", cascade="all, delete-orphan")

    @validates("number", "name")
    def _keep_search_key(self, key, value):
        values = {"number": self.number, "name": self.name, key: value}
        self.search_key = fold(f"{values['number'] or ''} {values['name'] or ''}")
        return value

    @property
    def title(self) -> str:
        return group_title(self.number, self.name)


def group_title(number: int, name: str) -> str:
    """A group as people name it: "č. 4 – Sociální služby" (also for rows of lists, so each
    title is written once per language)."""
    return _group_title(request_catalogue(), number, name)


@lru_cache(maxsize=4096)
def _group_title(_catalogue, number: int, name: str) -> str:
    return gettext("č. %(number)d – %(name)s", number=number, name=name)


def working_group_name(number: int, name: str) -> Markup:
    """"Pracovní skupina č. 4 – Sociální služby", as HTML: how rows of lists name a group
    (written and escaped once per language and group; a row's _() and group_title cost 9 µs)."""
    return _working_group_name(request_catalogue(), number, name)


@lru_cache(maxsize=4096)
def _working_group_name(catalogue, number: int, name: str) -> Markup:
    return escape(gettext("Pracovní skupina %(title)s",
                          title=_group_title(catalogue, number, name)))


class GroupMembership(db.Model):
    __table_args__ = (sa.UniqueConstraint("group_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("working_group.id"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    is_coordinator: Mapped[bool] = mapped_column(default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    group: Mapped[WorkingGroup] = relationship(back_populates="memberships")
    member: Mapped[Member] = relationship()
