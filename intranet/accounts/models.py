"""Members (accounts), one-time account tokens and login attempts."""

import enum
import secrets
from datetime import datetime
from functools import cache

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..database import UTCDateTime, str_enum, utcnow
from ..extensions import db
from ..organisations.models import Organisation, Side
from ..policy import Role
from ..text import czech_key, fold, normalise_email


def new_session_token() -> str:
    return secrets.token_urlsafe(24)


class Member(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    titles_before: Mapped[str] = mapped_column(sa.String(40), default="")
    first_name: Mapped[str] = mapped_column(sa.String(80))
    last_name: Mapped[str] = mapped_column(sa.String(80))
    titles_after: Mapped[str] = mapped_column(sa.String(40), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    position: Mapped[str] = mapped_column(sa.String(120), default="")
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id"), index=True)
    # The member's own side in community planning, when it is not their organisation's (a
    # social worker of a municipal office who represents the users); None: the organisation's.
    side: Mapped[Side | None] = mapped_column(str_enum(Side))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.MEMBER)
    language: Mapped[str] = mapped_column(sa.String(5), default="cs")
    wants_meeting_mail: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    session_token: Mapped[str] = mapped_column(sa.String(64), default=new_session_token)
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    activated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    search_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    sort_key: Mapped[bytes] = mapped_column(sa.LargeBinary, index=True)  # Czech order

    organisation: Mapped[Organisation] = relationship()

    @validates("first_name", "last_name")
    def _keep_search_key(self, key, value):
        names = {"first_name": self.first_name, "last_name": self.last_name, key: value}
        self.search_key = fold(f"{names['first_name'] or ''} {names['last_name'] or ''}")
        self.sort_key = czech_key(names["last_name"], names["first_name"])
        return value

    @validates("email")
    def _normalise_email(self, _key, value):
        return normalise_email(value)

    @hybrid_property
    def full_name(self) -> str:
        """Titles, first and last name, e.g. "Mgr. Jana Nováková, DiS."."""
        name = " ".join(p for p in (self.titles_before, self.first_name, self.last_name) if p)
        return f"{name}, {self.titles_after}" if self.titles_after else name

    @full_name.inplace.expression
    @classmethod
    def _full_name_expression(cls):
        """The same in SQL, for lists that select only the columns they show."""
        return _full_name_sql(cls)

    @hybrid_property
    def status(self) -> str:
        """active, invited (no password set yet) or deactivated."""
        if self.deactivated_at:
            return "deactivated"
        return "active" if self.password_hash else "invited"

    @status.inplace.expression
    @classmethod
    def _status_expression(cls):
        return _status_sql(cls)

    @hybrid_property
    def effective_side(self) -> Side | None:
        """The member's side at the table: their own if set, else their organisation's."""
        return self.side or self.organisation.side

    @effective_side.inplace.expression
    @classmethod
    def _effective_side_expression(cls):
        """The same in SQL, per member row (the organisation's read by its primary key)."""
        return _effective_side_sql(cls)

    # Flask-Login
    @property
    def is_active(self) -> bool:
        return self.status == "active"

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


def of_organisation(column, *joined) -> sa.ScalarSelect:
    """A column of the member's organisation (or of a table joined to it, on the conditions
    `joined`), per member row: a correlated subquery."""
    select = sa.select(column).where(Organisation.id == Member.organisation_id, *joined)
    return select.correlate(Member).scalar_subquery()


class TokenPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class AccountToken(db.Model):
    """A one-time link sent by e-mail; only its hash is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("member.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(str_enum(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    member: Mapped[Member] = relationship()


class LoginAttempt(db.Model):
    """Every login attempt, so throttling holds across workers."""

    __table_args__ = (
        sa.Index("ix_login_attempt_email_at", "email", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="login",
                                      server_default="login")  # login | reset
    email: Mapped[str] = mapped_column(sa.String(254))
    ip: Mapped[str] = mapped_column(sa.String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The SQL of Member's hybrid properties, built once: lists use them on every page view.

@cache
def _full_name_sql(cls):
    name = sa.case((cls.titles_before == "", sa.literal("")),
                   else_=cls.titles_before + " ") + cls.first_name + " " + cls.last_name
    return sa.case((cls.titles_after == "", name), else_=name + ", " + cls.titles_after)


@cache
def _effective_side_sql(cls):
    return sa.func.coalesce(cls.side, of_organisation(Organisation.side))


@cache
def _status_sql(cls):
    return sa.case((cls.deactivated_at.is_not(None), "deactivated"),
                   (cls.password_hash.is_not(None), "active"), else_="invited")
