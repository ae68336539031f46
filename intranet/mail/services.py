"""Queueing mail in the outbox (the deliverer sends it afterwards: see deliverer.py)."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale

from ..database import UTCDateTime, prebuilt, rows_of, utcnow
from ..extensions import db
from ..text import single_line
from .models import BounceStreak, DeliveryStatus, OutboxAttachment, OutboxDelivery, OutboxMessage

# Categories a member can switch off in the profile; account mail always goes out, and list
# mail follows the lists' subscriptions (mailing).
PREFERENCE_FOR_CATEGORY = {"meetings": "wants_meeting_mail"}
ACCOUNT = "account"


def wants(member, category: str) -> bool:
    """Whether an active member receives mail of this category."""
    if member.deactivated_at is not None:
        return False
    preference = PREFERENCE_FOR_CATEGORY.get(category)
    return preference is None or getattr(member, preference)


def queue_mail(recipient, category: str, template: str, **context) -> list[OutboxMessage]:
    """Queue a mail rendered from templates/mail/<template>.txt in the member's language."""
    return queue_to_members([recipient], category, template, **context)


def queue_to_members(recipients: Iterable, category: str, template: str, *,
                     attachments=None, reply_to: str = "", **context) -> list[OutboxMessage]:
    """Queue a message to each member who wants it, rendered for them (`recipient`, language).

    `attachments(member)` may return (filename, content type, text) triples; `reply_to` is
    where a plain reply goes (e.g. the meeting's organiser). It joins the caller's
    transaction: a rolled-back change sends nothing.
    """
    messages = []
    for member in recipients:
        if wants(member, category):
            files = attachments(member) if attachments else []
            messages.append(render_letter(member, category, template, files, reply_to,
                                          **context).message())
    return messages


@dataclass(frozen=True)
class Anyone:
    """The recipient a message is rendered for once: what is personal stays a placeholder
    (the templates' answer links), filled in per recipient by the deliverer. The
    placeholders carry `mark`, new for each message: no text typed before (a meeting's
    title, its program) can contain them."""

    language: str
    mark: str = ""
    id: None = None


def outbox_backlog() -> int:
    """How many deliveries wait in the outbox or are being sent (a metric)."""
    return db.session.scalar(sa.select(sa.func.count()).where(
        OutboxDelivery.status.in_([DeliveryStatus.PENDING, DeliveryStatus.SENDING])))


@dataclass(frozen=True)
class Outsider:
    """Someone who is not a member, e.g. a stranger who wrote to a list: mail to them is in
    the intranet's main language and always wanted."""

    email: str
    language: str = "cs"
    id: None = None
    deactivated_at: None = None


def register_personaliser(app, kind: str, personaliser) -> None:
    """Let a feature fill in its placeholders: `personaliser(personal)` returns a function
    delivery → {placeholder bytes: value bytes} (see queue_personal)."""
    app.extensions.setdefault("mail_personalisers", {})[kind] = personaliser


def queue_personal(recipients: sa.Select, category: str, template: str, *, personal: dict,
                   attachments=None, reply_to: str = "", **context) -> int:
    """Queue one message per language to the recipients who want it, rendered once for
    Anyone (`attachments(anyone)` may return files as queue_to_members takes them); the
    personaliser named by `personal["kind"]` fills in each recipient's part when the
    deliverer builds the e-mail (personal["mark"]: the placeholders' mark). `recipients`
    selects members' id, email, language, deactivated_at and the category's preference
    (PREFERENCE_FOR_CATEGORY); their deliveries are written by one INSERT … SELECT per
    language. In the caller's transaction; how many were queued."""
    rows = recipients.subquery()
    wanted = _wanting(rows.c, category)
    languages = db.session.execute(
        sa.select(rows.c.language, sa.func.count()).where(wanted).group_by(rows.c.language)
        .order_by(rows.c.language)).all()
    for language, _count in languages:
        anyone = Anyone(language, mark=secrets.token_hex(12))
        message = render_letter(anyone, category, template,
                                attachments(anyone) if attachments else [], reply_to,
                                **context).message()
        message.personal = {**personal, "mark": anyone.mark}
        queue_to_many(message, sa.select(rows.c.id, rows.c.email)
                      .where(wanted, rows.c.language == language))
    return sum(count for _language, count in languages)


def _wanting(columns, category: str):
    """`wants` as SQL, over the columns of a select of members."""
    active = columns.deactivated_at.is_(None)
    preference = PREFERENCE_FOR_CATEGORY.get(category)
    return active & columns[preference].is_(True) if preference else active


@dataclass(frozen=True)
class Letter:
    """A mail to one recipient, rendered but not yet queued: e.g. rendered before a lock
    is taken and queued, with what only the lock decides filled in, while it is held."""

    recipient: object
    category: str
    subject: str
    body: str
    files: tuple = ()  # (filename, content type, text)
    reply_to: str = ""

    def filled(self, placeholder: str, value: str) -> "Letter":
        """The letter with the placeholder replaced by the value in its subject and text."""
        return replace(self, subject=self.subject.replace(placeholder, value),
                       body=self.body.replace(placeholder, value))

    def queue(self) -> OutboxMessage | None:
        """Queue it in the caller's transaction, if its recipient wants its category."""
        return self.message() if wants(self.recipient, self.category) else None

    def message(self) -> OutboxMessage:
        message = OutboxMessage(category=self.category, subject=self.subject,
                                body_text=self.body, reply_to=self.reply_to)
        if getattr(self.recipient, "email", None):  # a member or an outsider; not Anyone
            message.deliveries = [OutboxDelivery(recipient=self.recipient.email,
                                                 member_id=self.recipient.id)]
        message.attachments = [OutboxAttachment(filename=name, content_type=kind, content=text)
                               for name, kind, text in self.files]
        db.session.add(message)
        return message


def render_letter(recipient, category: str, template: str, files=(), reply_to: str = "", /,
                  **context) -> Letter:
    """templates/mail/<template>(.subject).txt rendered for the recipient (`recipient` in
    the templates), in their language."""
    with force_locale(recipient.language):
        subject = render_template(f"mail/{template}.subject.txt", recipient=recipient,
                                  **context)
        body = render_template(f"mail/{template}.txt", recipient=recipient, **context)
    return Letter(recipient, category, single_line(subject), body, tuple(files), reply_to)


def queue_to_many(message: OutboxMessage, recipients: sa.Select) -> int:
    """Queue one stored message to many recipients: `recipients` selects (member id, e-mail)
    pairs; one small delivery row each, written by one INSERT … SELECT in the caller's
    transaction. How many deliveries were queued."""
    db.session.add(message)
    db.session.flush()
    rows = recipients.subquery()
    member_id, email = rows.c
    result = db.session.execute(sa.insert(OutboxDelivery).from_select(
        ["message_id", "member_id", "recipient", "status", "attempts", "next_attempt_at",
         "last_error"],
        sa.select(sa.literal(message.id), member_id, email,
                  sa.literal(DeliveryStatus.PENDING.value), sa.literal(0),
                  sa.literal(utcnow(), OutboxDelivery.next_attempt_at.type), sa.literal(""))))
    return result.rowcount


def retry_failed() -> int:
    """Queue every failed delivery again, with a fresh count of attempts."""
    result = db.session.execute(
        sa.update(OutboxDelivery).where(OutboxDelivery.status == DeliveryStatus.FAILED)
        .values(status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=utcnow()))
    db.session.commit()
    return result.rowcount


COUNT_CAP = 1_000  # the administrator's counts of deliveries stop here ("more than …")


def outbox_counts(exact: bool = False) -> dict[str, int]:
    """How many deliveries are in each state (those with any), each counted only up to
    COUNT_CAP + 1, along the index of states: the sent ones only grow, and counting all of
    them took 55 ms at 500,000 deliveries (the administrator's page). `exact`: every one
    counted (`flask mail status`)."""
    if exact:
        return {status.value: count for status, count in db.session.execute(
            sa.select(OutboxDelivery.status, sa.func.count()).group_by(OutboxDelivery.status))}
    counts = rows_of(_capped_counts(), {"over_cap": COUNT_CAP + 1}).one()
    return {status.value: count for status, count in zip(DeliveryStatus, counts,
                                                         strict=True) if count}


@prebuilt
def _capped_counts() -> sa.Select:
    def capped(status):
        some = (sa.select(sa.literal(1)).where(OutboxDelivery.status == status)
                .limit(sa.bindparam("over_cap")).subquery())
        return sa.select(sa.func.count()).select_from(some).scalar_subquery()

    return sa.select(*(capped(status) for status in DeliveryStatus))


def unreachable_members(days: int = 30, bounces: int = 2) -> list[sa.Row]:
    """Members whose mail was refused at least `bounces` times in a row, lately (the last
    time within `days` days), and whom nothing has reached since, the longest streaks first:
    rows of the streak (member_id, bounces, first_at, last_error) and the member's full_name
    and email."""
    return rows_of(_unreachable(), {
        "since": utcnow() - timedelta(days=days), "bounces": bounces}).all()


def forget_refusals(member) -> None:
    """A new address starts with no refusals (the old one's are no reason to list it)."""
    db.session.execute(sa.delete(BounceStreak).where(BounceStreak.member_id == member.id))


@prebuilt
def _unreachable() -> sa.Select:
    from ..accounts.models import Member

    return (sa.select(BounceStreak.member_id, BounceStreak.bounces, BounceStreak.first_at,
                      BounceStreak.last_error, Member.full_name.label("full_name"), Member.email)
            .join(Member, Member.id == BounceStreak.member_id)
            .where(BounceStreak.bounces >= sa.bindparam("bounces"),
                   BounceStreak.last_at >= sa.bindparam("since", type_=UTCDateTime))
            .order_by(BounceStreak.bounces.desc(), BounceStreak.member_id).limit(100))
