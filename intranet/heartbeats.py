"""Heartbeats of the long-running processes: the worker beats after every pass, the mail
receiver every RECEIVER_BEAT_SECONDS. /healthz tells from them whether each is alive (a
beat younger than HEALTH_STALE_SECONDS); with several workers, the newest beat counts."""

import os
import socket
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Mapped, mapped_column

from .database import UTCDateTime, upsert, utcnow
from .extensions import db

WORKER, RECEIVER = "worker", "receiver"
RECEIVER_BEAT_SECONDS = 30


class Heartbeat(db.Model):
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    beat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    process: Mapped[str] = mapped_column(sa.String(200), default="")  # host:pid


def beat(name: str) -> None:
    """Say that this process is alive (one row per kind of process, the newest beat)."""
    values = {"name": name, "beat_at": utcnow(), "process": f"{socket.gethostname()}:{os.getpid()}"}
    insert = upsert(Heartbeat).values(**values)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=[Heartbeat.name],
        set_={"beat_at": insert.excluded.beat_at, "process": insert.excluded.process}))
    db.session.commit()


def states() -> dict[str, dict]:
    """Each process's state for /healthz: alive, its last beat and how long ago."""
    beats = dict(db.session.execute(sa.select(Heartbeat.name, Heartbeat.beat_at)).all())
    limit, now = current_app.config["HEALTH_STALE_SECONDS"], utcnow()
    found = {}
    for name in (WORKER, RECEIVER):
        at = beats.get(name)
        ago = int((now - at).total_seconds()) if at else None
        found[name] = {"alive": ago is not None and ago <= limit,
                       "last_beat": at.isoformat() if at else None, "seconds_ago": ago}
    return found
