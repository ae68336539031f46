"""The audit log of security-relevant events."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import Member
from ..database import UTCDateTime, utcnow
from ..extensions import db


class AuditEvent(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    subject_id: Mapped[int | None] = mapped_column(sa.ForeignKey("member.id"))
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    actor: Mapped[Member | None] = relationship(foreign_keys=[actor_id])
    subject: Mapped[Member | None] = relationship(foreign_keys=[subject_id])
