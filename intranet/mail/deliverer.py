"""Delivering the outbox: deliveries claimed in batches, each message built once and then
personalised per recipient, sent over one reused connection.

A batch is sent over MAIL_SMTP_CONNECTIONS connections at once, each message personalised
by the connection's thread just before it goes; meanwhile the batch before it is recorded
and the next one claimed. A batch is claimed (status "sending", with the claim's token)
before anything is sent, and what happened to each delivery is written once the batch has
gone out, only for the deliveries the claim still holds. While a batch is out the
deliverer renews its claims every quarter of MAIL_STALE_CLAIM_SECONDS, however slow the
server; recording the outcome is retried while the database refuses (a lock held too
long), the outcome kept in memory. Only a deliverer
that died leaves a claim unrenewed: once it is older than MAIL_STALE_CLAIM_SECONDS it is
released and the batch sent again. So a crash loses nobody and duplicates at most the two
batches it interrupted (2 × MAIL_BATCH_SIZE: one going out, the one before it being
recorded). Two deliverers never send the same delivery: a claim is one conditional
UPDATE.
"""

import logging
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.errors import MessageError
from email.headerregistry import Address
from email.message import EmailMessage
from email.quoprimime import body_encode
from email.utils import format_datetime, parseaddr
from queue import Empty, SimpleQueue

import sqlalchemy as sa
from flask import current_app

from ..database import upsert, utcnow
from ..extensions import db
from ..text import plain_name
from .models import BounceStreak, DeliveryStatus, OutboxAttachment, OutboxDelivery, OutboxMessage
from .services import PREFERENCE_FOR_CATEGORY, wants
from .transports import (
    ConnectionLost,
    PermanentFailure,
    TransportUnavailable,
    transports_for,
)

log = logging.getLogger(__name__)

CRLF = "\r\n"
MAX_BATCHES = 200  # per pass, so that the worker's other jobs get their turn
# What `wants` reads of a recipient, as plain columns (the rows of a batch, not whole members).
RECIPIENT_STATE = sa.table("member", sa.column("id"), sa.column("deactivated_at"),
                           *map(sa.column, PREFERENCE_FOR_CATEGORY.values())).alias("recipient")


@dataclass(frozen=True)
class Marks:
    """The placeholders of a built message for what differs per recipient, new for each
    message built: no text written before (a subject, a name) can contain them."""

    recipient: str  # the To address
    delivery: str  # in a personal message's Message-ID
    unsubscribe: str  # a list message's List-Unsubscribe link
    footer: str  # a line of its own in each text part of a list message

    @classmethod
    def new(cls) -> "Marks":
        nonce = secrets.token_hex(8)  # short: a longer Message-ID would be folded
        return cls(f"r{nonce}@recipient.invalid", f"d{nonce}", f"u{nonce}", f"f{nonce}")


@dataclass
class Built:
    """A message as bytes with placeholders, ready to be personalised (or why it cannot be)."""

    category: str
    list_id: int | None
    sender: str  # the envelope sender (where bounces go)
    data: bytes = b""
    error: str = ""
    marks: Marks = field(default_factory=Marks.new)
    links: Callable[[int], "ListLinks"] | None = None  # a list message: member id → links
    personal: Callable | None = None  # a personalised message: delivery → {placeholder: value}


@dataclass
class ListLinks:
    """What a list message carries for one recipient: the unsubscribe link, in the
    List-Unsubscribe header and in the footer of the text and the HTML part."""

    unsubscribe_url: str
    text: str
    html: str


@dataclass
class Claimed:
    """A claimed delivery, read before sending: no database work (and no lock held) while
    the batch goes out."""

    id: int
    message_id: int
    recipient: str
    member_id: int | None
    attempts: int
    wanted: bool = True  # the recipient still wants it (see _still_wanted)


@dataclass
class Outcome:
    """What happened to the deliveries of one batch: each is in exactly one of its lists
    (_record marks what the claim still holds after the other lists as sent)."""

    sent: list
    failed: list  # (delivery, error, the final status, or None to try again later)
    cancelled: list
    unclaimed: list  # the server went away before these: back to waiting, no attempt counted
    server_gone: bool = False  # every connection stopped before the batch was sent


def deliver_pass() -> dict[str, int]:
    """The worker's job: the claims of deliverers that died given back, then what is due
    sent."""
    release_stale_claims()
    return deliver_due()


def deliver_due(now: datetime | None = None, batch: int | None = None) -> dict[str, int]:
    """Send the deliveries that are due, batch after batch; counts by result.

    While the server is unreachable nothing is claimed for long and no attempt is counted,
    so an outage of any length loses nothing: the next pass tries again.
    """
    now = now or utcnow()
    size = batch or current_app.config["MAIL_BATCH_SIZE"]
    counts = {"sent": 0, "failed": 0, "bounced": 0, "cancelled": 0}
    transports, built = transports_for(current_app.config), {}
    try:
        with ThreadPoolExecutor(len(transports)) as senders:
            _deliver_batches(now, size, transports, built, senders, counts)
    finally:
        for transport in transports:
            transport.close()
    return counts


@dataclass
class Batch:
    """A claimed batch, ready for the connections."""

    token: str  # the claim's
    outcome: Outcome  # of the deliveries that need no sending
    ready: list  # (delivery, built message)


def _deliver_batches(now, size, transports, built, senders, counts) -> None:
    """Batch after batch: claim, send over every connection at once, record. While one
    batch goes out (the connections mostly wait for the server), the one before it is
    recorded and the next one claimed, so the server does not wait for the database; the
    claims are renewed until their batch is recorded."""
    batch, previous = _next_batch(now, size, built), None
    for number in range(MAX_BATCHES):
        if batch is None:
            break
        waiting = SimpleQueue()
        for item in batch.ready:
            waiting.put(item)
        futures = [senders.submit(_send_waiting, transport, waiting) for transport in transports]
        if previous is not None:
            _record_surely(previous.outcome, now, counts, [previous.token, batch.token])
        following = _claim_ahead(now, size, built) if number + 1 < MAX_BATCHES else None
        _wait_renewing(futures, [batch.token, *([following.token] if following else [])])
        batch.outcome = _finished(batch.outcome, futures, waiting)
        previous, batch = batch, following
        if previous.outcome.server_gone:  # try again in the next pass
            if batch is not None:
                _release(batch.token)
            break
    if previous is not None:
        _record_surely(previous.outcome, now, counts, [previous.token])


def _next_batch(now, size, built) -> Batch | None:
    token = secrets.token_hex(8)
    deliveries = _claim_batch(now, size, built, token)
    if not deliveries:
        return None
    outcome, ready = _prepared(deliveries, built)
    db.session.commit()  # nothing read while personalising may hold a lock meanwhile
    return Batch(token, outcome, ready)


def _claim_ahead(now, size, built) -> Batch | None:
    """The next batch, claimed while one goes out; None also when the database refuses for
    now (a lock): the batch going out is still recorded, and the next pass claims the rest."""
    try:
        return _next_batch(now, size, built)
    except sa.exc.OperationalError as error:
        db.session.rollback()
        if not transient(error):
            raise
        log.warning("claiming the next batch failed, the next pass claims it: %s", error)
        return None


def _wait_renewing(futures, tokens: list[str]) -> None:
    """Wait for the connections to send their shares, renewing the claims every quarter of
    the stale time: however slow the server (each SMTP command may take MAIL_SMTP_TIMEOUT),
    a batch that is still going out (or waits for its turn) is never taken for a dead
    deliverer's."""
    interval = max(current_app.config["MAIL_STALE_CLAIM_SECONDS"] / 4, 0.05)
    while wait(futures, timeout=interval).not_done:
        _renew_claim(tokens)


def _renew_claim(tokens: list[str]) -> None:
    """The claims' time set to now (a failure is logged: the next renewal tries again)."""
    try:
        db.session.execute(
            sa.update(OutboxDelivery)
            .where(OutboxDelivery.claimed_by.in_(tokens),
                   OutboxDelivery.status == DeliveryStatus.SENDING)
            .values(claimed_at=utcnow()).execution_options(synchronize_session=False))
        db.session.commit()
    except sa.exc.OperationalError as error:
        db.session.rollback()
        log.warning("renewing a claim failed, trying again later: %s", error)


def _release(token: str) -> None:
    """A claimed batch back to waiting, unsent, no attempt counted."""
    db.session.execute(
        sa.update(OutboxDelivery)
        .where(_held(token)).values(status=DeliveryStatus.PENDING, claimed_by=None)
        .execution_options(synchronize_session=False))
    db.session.commit()


def _record_surely(outcome: "Outcome", now: datetime, counts: dict, tokens: list[str]) -> None:
    """Record the outcome of the batch of the first claim, trying again (1 s, 2 s … every
    30 s) while the database refuses, the claims (its own and the batch going out) renewed
    meanwhile: the outcome is only in memory, and losing it would send the whole batch
    again."""
    delay = 1.0
    while True:
        try:
            return _record(outcome, now, counts, tokens[0])
        except sa.exc.OperationalError as error:
            db.session.rollback()
            if not transient(error):
                raise
            log.warning("recording a batch failed, trying again in %g s: %s", delay, error)
        time.sleep(delay)
        delay = min(delay * 2, 30.0)
        _renew_claim(tokens)


# PostgreSQL's classes of errors that pass: a lost connection, a rolled-back transaction
# (deadlock, serialisation), too many connections or too little memory, a shutdown.
TRANSIENT_CLASSES = ("08", "40", "53", "57")


def transient(error: sa.exc.OperationalError) -> bool:
    """Whether the database refused for now (a lock, a lost connection), not for good (a
    missing column: retrying that would stall the worker for ever)."""
    state = getattr(error.orig, "sqlstate", None) or ""
    return (error.connection_invalidated or state[:2] in TRANSIENT_CLASSES
            or state == "55P03"  # PostgreSQL's lock_timeout
            or any(word in str(error.orig).lower() for word in ("locked", "busy")))


def _claim_batch(now: datetime, size: int, built: dict, token: str) -> list[Claimed]:
    """Claim up to `size` due deliveries for this deliverer; their messages built (into
    `built`) and who still wants them, read in a transaction that ends before sending.

    One conditional UPDATE: of two deliverers claiming at once, each gets other deliveries.
    (On PostgreSQL the due deliveries are taken FOR UPDATE SKIP LOCKED, in a materialised
    CTE: as an IN subquery PostgreSQL may run the LIMIT again while it updates, and claim
    more than `size`.)
    """
    due = (sa.select(OutboxDelivery.id)
           .where(OutboxDelivery.status == DeliveryStatus.PENDING,
                  OutboxDelivery.next_attempt_at <= now)
           .order_by(OutboxDelivery.id).limit(size))
    if db.session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    due = due.cte("due").prefix_with("MATERIALIZED")
    db.session.execute(
        sa.update(OutboxDelivery)
        .where(OutboxDelivery.id.in_(sa.select(due.c.id)),
               OutboxDelivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.SENDING, claimed_at=utcnow(), claimed_by=token)
        .execution_options(synchronize_session=False))
    db.session.commit()
    deliveries = db.session.execute(
        sa.select(OutboxDelivery.id, OutboxDelivery.message_id, OutboxDelivery.recipient,
                  OutboxDelivery.member_id, OutboxDelivery.attempts,
                  *(c for c in RECIPIENT_STATE.c if c.name != "id"))
        .outerjoin(RECIPIENT_STATE, RECIPIENT_STATE.c.id == OutboxDelivery.member_id)
        .where(_held(token)).order_by(OutboxDelivery.id)).all()
    messages = {d.message_id: built_message(d.message_id, built) for d in deliveries}
    wanted = _still_wanted(deliveries, messages,
                           sa.select(OutboxDelivery.member_id).where(_held(token)))
    claimed = [Claimed(d.id, d.message_id, d.recipient, d.member_id, d.attempts, d.id in wanted)
               for d in deliveries]
    db.session.commit()  # end the read: the web app writes while this batch goes out
    return claimed


def _prepared(deliveries: list[Claimed], built: dict) -> tuple[Outcome, list]:
    """The outcome of the deliveries that need no sending, and (delivery, built message)
    of those the connections send."""
    outcome, ready = Outcome([], [], [], []), []
    for delivery in deliveries:
        message = built[delivery.message_id]
        if not delivery.wanted:
            outcome.cancelled.append(delivery)
        elif message.error:  # never retried: it would fail the same way
            outcome.failed.append((delivery, message.error, DeliveryStatus.FAILED))
        else:
            ready.append((delivery, message))
    return outcome, ready


def _finished(outcome: Outcome, futures, waiting: SimpleQueue) -> Outcome:
    """The batch's outcome once every connection has stopped: what none of them took (the
    server went away from all of them) stays unclaimed. A connection refused while the
    others sent the rest leaves only its message unclaimed, and the pass goes on (that
    message goes again in a later batch)."""
    for future in futures:
        part = future.result()
        outcome.sent += part.sent
        outcome.failed += part.failed
        outcome.unclaimed += part.unclaimed
    outcome.server_gone = not waiting.empty()
    while not waiting.empty():  # no connection takes any more
        outcome.unclaimed.append(waiting.get_nowait()[0])
    return outcome


def _send_waiting(transport, waiting: SimpleQueue) -> Outcome:
    """One connection takes the batch's next message until none is left, personalises it
    just before it is sent (the work is spread over the connections' threads) and sends it:
    a connection that is faster sends more, so none waits at the batch's end for another's
    share. A connection the server refuses stops, and the others go on. No database work
    here."""
    outcome = Outcome([], [], [], [])
    while True:
        try:
            delivery, message = waiting.get_nowait()
        except Empty:
            return outcome
        try:
            transport.send(personalised(message, delivery), message.sender, delivery.recipient)
        except TransportUnavailable as error:
            log.warning("mail server unavailable, will try again: %s", error)
            if isinstance(error, ConnectionLost):  # this message was being sent
                outcome.failed.append((delivery, str(error), None))
            else:
                outcome.unclaimed.append(delivery)
            break
        except PermanentFailure as error:
            outcome.failed.append((delivery, str(error), DeliveryStatus.BOUNCED))
        except Exception as error:  # noqa: BLE001 - a temporary failure of this one message
            outcome.failed.append((delivery, str(error) or error.__class__.__name__, None))
        else:
            outcome.sent.append(delivery)
    return outcome


def _held(token: str) -> sa.ColumnElement[bool]:
    """The deliveries the claim holds, found through the status's index (only claimed
    batches are sending, a few per deliverer): in place of a list of the batch's hundreds
    of ids, which PostgreSQL would parse and plan again for every batch."""
    return sa.and_(OutboxDelivery.status == DeliveryStatus.SENDING,
                   OutboxDelivery.claimed_by == token)


def _still_wanted(deliveries, messages: dict[int, Built], members: sa.Select) -> set[int]:
    """The deliveries whose recipients still want them: active, not opted out since queueing
    (a preference in the profile, or a list's subscription). members: a select of the
    claim's member ids (NULL for an address outside the members)."""
    wanted = {d.id for d in deliveries
              if d.member_id is None or wants(d, messages[d.message_id].category)}
    lists = current_app.extensions.get("mail_lists")  # registered by the mailing feature
    by_list: dict[int, list] = {}
    for delivery in deliveries:
        list_id = messages[delivery.message_id].list_id
        if list_id is not None and delivery.member_id is not None:
            by_list.setdefault(list_id, []).append(delivery)
    for list_id, on_list in by_list.items():
        subscribed = lists.receiving(list_id, members) if lists else set()
        wanted -= {d.id for d in on_list if d.member_id not in subscribed}
    return wanted


def _record(outcome: Outcome, now: datetime, counts: dict, token: str) -> None:
    """Write the batch's results, for the deliveries this claim still holds: one statement
    per kind of result, the sent ones last, as the rest of the claim (every delivery of a
    batch is in one list of its outcome)."""
    _set_status(token, [d.id for d in outcome.cancelled], DeliveryStatus.CANCELLED)
    _set_status(token, [d.id for d in outcome.unclaimed], DeliveryStatus.PENDING)
    failures = [_after_failure(d, error, final, now) for d, error, final in outcome.failed]
    if failures:
        table = OutboxDelivery.__table__
        db.session.execute(table.update().where(
            table.c.id == sa.bindparam("delivery_id"), table.c.claimed_by == token), failures)
    if outcome.sent:
        marked = db.session.execute(
            sa.update(OutboxDelivery).where(_held(token))
            .values(status=DeliveryStatus.SENT, claimed_by=None, sent_at=utcnow(),
                    attempts=OutboxDelivery.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        if marked > len(outcome.sent):  # fewer: another deliverer took some over (stale)
            db.session.rollback()
            raise RuntimeError(f"a batch's outcome misses {marked - len(outcome.sent)} "
                               "deliveries: none is marked sent, the claim goes stale")
    _keep_bounce_streaks(outcome)
    db.session.commit()
    counts["sent"] += len(outcome.sent)
    counts["cancelled"] += len(outcome.cancelled)
    for failure in failures:
        counts["bounced" if failure["status"] == DeliveryStatus.BOUNCED else "failed"] += 1


def _keep_bounce_streaks(outcome: Outcome) -> None:
    """Who was reached ends their streak of refusals; refusals (bounces) after a member's last
    message that got through add to it. Within a batch the order is the deliveries' (ids):
    the connections' shares come back one after the other, not in order."""
    last_reached: dict[int, int] = {}
    for delivery in outcome.sent:
        if delivery.member_id is not None:
            last_reached[delivery.member_id] = max(delivery.id,
                                                   last_reached.get(delivery.member_id, 0))
    if last_reached:
        db.session.execute(sa.delete(BounceStreak)
                           .where(BounceStreak.member_id.in_(last_reached)))
    refused: dict[int, dict] = {}
    now = utcnow()
    for delivery, error, final in sorted(outcome.failed, key=lambda failure: failure[0].id):
        member_id = delivery.member_id
        if (final is DeliveryStatus.BOUNCED and member_id is not None
                and delivery.id > last_reached.get(member_id, 0)):
            streak = refused.setdefault(member_id, {
                "member_id": member_id, "bounces": 0, "first_at": now, "last_at": now})
            streak.update(bounces=streak["bounces"] + 1, last_error=error[:500])
    if refused:  # one row per member: PostgreSQL updates a row only once per statement
        insert = upsert(BounceStreak)
        db.session.execute(insert.on_conflict_do_update(
            index_elements=[BounceStreak.member_id],
            set_={"bounces": BounceStreak.bounces + insert.excluded.bounces,
                  "last_at": insert.excluded.last_at,
                  "last_error": insert.excluded.last_error}), list(refused.values()))


def _set_status(token: str, ids: list[int], status: DeliveryStatus, **values) -> None:
    if ids:
        db.session.execute(
            sa.update(OutboxDelivery)
            .where(OutboxDelivery.id.in_(ids), OutboxDelivery.claimed_by == token)
            .values(status=status, claimed_by=None, **values)
            .execution_options(synchronize_session=False))


def _after_failure(delivery, error: str, final: DeliveryStatus | None, now: datetime) -> dict:
    """The delivery's next state: the final one given (bounced, failed), failed at the
    attempt limit, or waiting with an exponential backoff (1 min, 2 min … at most 4 h)."""
    attempts = delivery.attempts + 1
    values = {"delivery_id": delivery.id, "attempts": attempts, "last_error": error[:500],
              "claimed_by": None, "next_attempt_at": now}  # the same keys in every row
    if final is not None:
        return values | {"status": final.value}
    if attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        return values | {"status": DeliveryStatus.FAILED.value}
    delay = min(timedelta(minutes=1) * 2 ** (attempts - 1), timedelta(hours=4))
    return values | {"status": DeliveryStatus.PENDING.value, "next_attempt_at": now + delay}


def release_stale_claims(now: datetime | None = None) -> int:
    """Give back the deliveries of a deliverer that died mid-batch: they go out again."""
    now = now or utcnow()
    stale = timedelta(seconds=current_app.config["MAIL_STALE_CLAIM_SECONDS"])
    result = db.session.execute(
        sa.update(OutboxDelivery)
        .where(OutboxDelivery.status == DeliveryStatus.SENDING,
               OutboxDelivery.claimed_at < now - stale)
        .values(status=DeliveryStatus.PENDING, claimed_by=None))
    db.session.commit()
    return result.rowcount


# --- building the e-mail ------------------------------------------------------------------

def built_message(message_id: int, cache: dict) -> Built:
    """The message as bytes with placeholders, built once per pass. One the e-mail library
    refuses (e.g. a line break in a header) is never retried."""
    if message_id not in cache:
        message = db.session.get(OutboxMessage, message_id)
        built = Built(message.category, message.list_id, _envelope_sender(current_app.config))
        if message.list_id is not None:
            built.links = current_app.extensions["mail_lists"].links_for(message.list_id)
        if message.personal:
            personalisers = current_app.extensions["mail_personalisers"]
            built.personal = personalisers[message.personal["kind"]](message.personal)
        try:
            built.data = build_email(message, current_app.config, built.marks).as_bytes(
                policy=policy.SMTP)
        except (ValueError, TypeError, MessageError) as error:
            built.error = f"Zprávu nelze sestavit: {str(error) or error.__class__.__name__}"
        cache[message_id] = built
    return cache[message_id]


def _envelope_sender(config) -> str:
    return parseaddr(config["MAIL_FROM"])[1]


def build_email(message: OutboxMessage, config, marks: Marks | None = None) -> EmailMessage:
    """The RFC 5322 message with placeholders (`marks`) for what differs per recipient."""
    marks = marks or Marks.new()
    email = EmailMessage()
    sender_name, sender = parseaddr(config["MAIL_FROM"])
    email["From"] = Address(display_name=plain_name(message.from_name or sender_name),
                            addr_spec=message.from_address or sender)  # one phrase, quoted
    email["To"] = marks.recipient
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    domain = sender.rsplit("@", 1)[-1] or "localhost"
    email["Message-ID"] = message.message_id or (
        f"<outbox.{marks.delivery}.{int(message.created_at.timestamp())}@{domain}>")
    for name, value in (message.headers or {"Auto-Submitted": "auto-generated"}).items():
        email[name] = value
    if message.reply_to:
        email["Reply-To"] = message.reply_to
    if message.list_id is not None:
        email["List-Unsubscribe"] = f"<{marks.unsubscribe}>"
        email["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    _add_body(email, message, marks.footer)
    _add_attachments(email, message)
    return email


def _encoding(message: OutboxMessage) -> str:
    """How the text parts travel: a personalised message (our own short-lined templates) as
    8bit, so that its placeholders can be replaced by values of any length; the rest
    quoted-printable, where a list message's footer placeholder has a line of its own."""
    return "8bit" if message.personal else "quoted-printable"


def _add_body(email: EmailMessage, message: OutboxMessage, footer_mark: str) -> None:
    """The text (and HTML) parts; a list message's end with a line for the personal footer."""
    footer = f"\n{footer_mark}\n" if message.list_id is not None else ""
    cte = _encoding(message)
    email.set_content(message.body_text.rstrip("\n") + "\n" + footer, cte=cte)
    if message.body_html:
        email.add_alternative(_before_body_end(message.body_html, footer), subtype="html",
                              cte=cte)


def _before_body_end(html: str, addition: str) -> str:
    """The addition (the footer) inside the document's body, not after its end."""
    head, end, tail = html.rpartition("</body>")
    return f"{head}{addition}{end}{tail}" if end else html + addition


def _add_attachments(email: EmailMessage, message: OutboxMessage) -> None:
    attachments, cte = message.attachments, "8bit" if message.personal else None
    calendars = [a for a in attachments if a.content_type.startswith("text/calendar")]
    for attachment in calendars:  # Outlook shows Accept/Decline only for an alternative part
        subtype, params = _content_type(attachment)
        email.add_alternative(attachment.content, subtype=subtype, params=params, cte=cte)
    for attachment in attachments:
        subtype, params = _content_type(attachment)
        email.add_attachment(attachment.content, subtype=subtype, filename=attachment.filename,
                             params=params, cte=cte)


def _content_type(attachment: OutboxAttachment) -> tuple[str, dict]:
    """The text subtype and parameters of e.g. 'text/calendar; method=REQUEST'."""
    kind, *params = (part.strip() for part in attachment.content_type.split(";"))
    return kind.split("/", 1)[1], dict(p.split("=", 1) for p in params if p)


def _quoted_printable(text: str) -> bytes:
    """UTF-8 text as quoted-printable lines (body_encode takes bytes as latin-1 characters)."""
    return body_encode(text.encode().decode("latin-1"), eol=CRLF).encode()


def personalised(message: Built, delivery) -> bytes:
    """The built message for one recipient: To, Message-ID, and a list's unsubscribe link.
    delivery: anything with the delivery's id, recipient and member_id."""
    marks = message.marks
    data = message.data.replace(marks.recipient.encode(), delivery.recipient.encode(), 1)
    data = data.replace(marks.delivery.encode(), str(delivery.id).encode(), 1)
    if message.personal is not None:
        for placeholder, value in message.personal(delivery).items():
            data = data.replace(placeholder, value)
    if message.list_id is None:
        return data
    links = message.links(delivery.member_id)
    data = data.replace(marks.unsubscribe.encode(), links.unsubscribe_url.encode(), 1)
    text, html = (_quoted_printable(part) for part in (links.text, links.html))
    data = data.replace(marks.footer.encode(), text, 1)
    return data.replace(marks.footer.encode(), html, 1)
