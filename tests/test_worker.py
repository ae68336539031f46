"""The long-running worker's jobs run without a request, as in production."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from intranet.extensions import db
from intranet.mail.models import OutboxMessage
from intranet.worker import run_once


def test_worker_pass_sends_reminders_and_delivers_them(app, create_member, create_meeting,
                                                       tmp_path):
    member = create_member(language="en")
    meeting = create_meeting(members=[member], starts_in=timedelta(hours=6), agenda=["Úvod"])
    run_once(app)  # no request context here: the worker's situation
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.subject.startswith("Reminder")
    assert "http://127.0.0.1:5000/meetings/" in message.body_text
    assert "1. Úvod" in message.body_text
    assert message.deliveries[0].status == "sent"
    db.session.refresh(meeting)
    assert meeting.reminder_sent_at is not None


@pytest.mark.sqlite_only
def test_the_worker_tells_sqlite_how_big_the_tables_are_once_a_day(app, create_member,
                                                                    monkeypatch):
    from intranet import worker

    create_member()
    monkeypatch.setattr(worker, "_statistics_refreshed", [float("-inf")])
    run_once(app)
    tables = set(db.session.scalars(sa.text("SELECT tbl FROM sqlite_stat1")))
    assert "member" in tables
    db.session.execute(sa.text("DELETE FROM sqlite_stat1"))
    db.session.commit()
    run_once(app)  # the same day: not again
    assert db.session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1")) == 0
