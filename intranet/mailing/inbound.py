"""Mail coming in: posts to the lists by e-mail, and calendar replies to invitations.

`flask --app wsgi mail receive` runs an SMTP server (aiosmtpd) on a local port for the mail
server (MTA) to hand the lists' mail to. A message to a list's address from the registered
address of someone on the list is archived and sent to the list (held first on a moderated
list); from anybody else, or an automatic reply, it is held for a moderator: never dropped
silently, never sent on unchecked. A reply is threaded by In-Reply-To / References. A
calendar reply (METHOD:REPLY) to the reply address becomes the member's answer.
"""

import asyncio
import logging
from dataclasses import dataclass, field
from email import errors, message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

import sqlalchemy as sa
from aiosmtpd.controller import Controller

from .. import files
from ..accounts.models import Member
from ..extensions import db
from ..mail import authentication
from ..mail.services import Outsider, queue_mail
from ..markup import plain_text, text_html
from ..meetings.calendar import read_reply_token, reply_token_of
from ..meetings.imip import record_reply
from ..text import normalise_email, plain_name, single_line
from . import services
from .models import HeldBecause, ListPost, MailingList, PostSource, PostStatus, SenderAction

log = logging.getLogger(__name__)
ACCEPTED, UNKNOWN_ADDRESS = "250 OK", "550 5.1.1 Tato adresa tu neexistuje"
MALFORMED = "554 5.6.0 Zprávu nelze přečíst"
TRY_LATER = "451 4.3.0 Dočasná chyba, zkuste to později"
NO_SUBJECT = "(bez předmětu)"


UNSIGNED_REPLY = ("550 5.7.1 Odpovědi na pozvánky přijímáme jen na adresu z pozvánky; "
                  "odpovězte prosím odkazem v e-mailu")


def knows(address: str) -> bool | str:
    """Whether mail to this address is ours: a list's, or a reply address signed for a
    member and a meeting (a refusal with the reason for the bare or a forged one, so that
    the sender learns the answer did not count)."""
    local, _, domain = normalise_email(address).rpartition("@")
    token = reply_token_of(normalise_email(address))
    if token is not None:
        return read_reply_token(token) is not None or UNSIGNED_REPLY
    return domain == services.domain().lower() and db.session.scalar(
        sa.select(sa.exists().where(MailingList.address == local))) or False


class Unreadable(ValueError):
    """The message cannot be read whole: refused (554), nothing of it stored."""


def receive(data: bytes, recipients: list[str]) -> str:
    """Take one incoming message for these (known) recipients; the SMTP reply."""
    recipients = [normalise_email(recipient) for recipient in recipients]
    try:  # reading it whole first: a message that cannot be read is refused, not half-taken
        message = message_from_bytes(data, policy=policy.default)
        sender = sender_of(message)
        to_lists = any(reply_token_of(recipient) is None for recipient in recipients)
        found = contents(message) if to_lists else None
    except Exception as error:  # noqa: BLE001 - the email package fails in many ways
        log.warning("incoming mail not readable: %s", error)
        return MALFORMED
    for recipient in recipients:
        _deliver_to(recipient, message, sender, found)
    return ACCEPTED


def sender_of(message: EmailMessage) -> str:
    """The one address in the message's one From header, read without defects (several, or
    a header the email package has to guess at, would let a message name a member beside
    its real sender)."""
    headers = message.get_all("From") or []
    if len(headers) != 1 or headers[0].defects or len(headers[0].addresses) != 1:
        raise Unreadable("not one From address")
    address = headers[0].addresses[0]
    if not address.username or "." not in address.domain:
        raise Unreadable("not one From address")
    return normalise_email(address.addr_spec)


def _deliver_to(recipient: str, message: EmailMessage, sender: str,
                found: "Contents | None") -> None:
    token = reply_token_of(recipient)
    if token is not None:  # a calendar reply: its address says whose, not its From
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                try:
                    ics = part.get_content()
                except (LookupError, UnicodeError, ValueError) as error:
                    log.info("calendar reply not readable: %s", error)
                    continue
                record_reply(ics, token)
        return
    local = recipient.rpartition("@")[0]
    mailing_list = db.session.scalar(sa.select(MailingList).filter_by(address=local))
    if mailing_list is not None:
        post_from_email(mailing_list, message, sender, found)


def post_from_email(mailing_list: MailingList, message: EmailMessage, sender: str,
                    found: "Contents") -> ListPost:
    """Archive the message (its contents: `found`) and send it to the list, or hold it for a
    moderator (and why)."""
    message_id = single_line(str(message.get("Message-ID", ""))).strip()[:300]
    if message_id:
        seen = db.session.scalar(sa.select(ListPost).filter_by(list_id=mailing_list.id,
                                                               message_id=message_id))
        if seen is not None:  # the mail server handed it over twice
            return seen
    author = db.session.scalar(sa.select(Member).where(Member.email == sender))
    checked = authentication.verdict(message, sender.rpartition("@")[2])
    rule = services.sender_rule(mailing_list, sender)
    held_because = (None if rule is SenderAction.BAN else
                    _held_because(mailing_list, message, author, checked, found,
                                  accepted=rule is SenderAction.ACCEPT))
    detail = "; ".join(([checked.detail] if checked and checked.detail else [])
                       + [f"{name}: {reason}" for name, reason in found.refused])
    name = parseaddr(str(message.get("From", "")))[0]
    item = ListPost(
        mailing_list=mailing_list, author_id=author.id if author else None,
        sender_name=(author.full_name if author else plain_name(name) or sender)[:200],
        sender_email=sender, subject=single_line(str(message.get("Subject", ""))).strip()[:300]
        or NO_SUBJECT, body=found.text, body_html=str(text_html(found.text)),
        source=PostSource.EMAIL, message_id=message_id or services.new_message_id(),
        status=(PostStatus.DISCARDED if rule is SenderAction.BAN else
                PostStatus.HELD if held_because else PostStatus.POSTED),
        held_because=held_because, held_detail=detail[:300],
        attachments=services.kept_attachments(found.files))
    if held_because is HeldBecause.FILES:  # only to a verified sender: never backscatter
        queue_mail(author or Outsider(sender), "account", "mailing/post_files_refused",
                   post=item, refused=found.refused)
    return services.take_post(item, parent=_parent(mailing_list, message))


def _held_because(mailing_list: MailingList, message: EmailMessage, author: Member | None,
                  checked: authentication.Verdict | None, found: "Contents",
                  accepted: bool = False) -> HeldBecause | None:
    """Why the message waits for a moderator; None: it goes to the list at once. A member's
    address alone proves nothing: the mail server must vouch for the sender (or, where no
    server checks senders, the list must be set to trust the From header). A sender the
    moderators always accept skips moderation and may be a stranger to the list, but only
    with that proof."""
    proven = checked.verified if checked else mailing_list.trusts_from_header
    on_list = author is not None and services.is_on(mailing_list, author)
    if not on_list and not (accepted and proven):
        return HeldBecause.STRANGER
    if _automatic(message, mailing_list):
        return HeldBecause.AUTOMATIC
    if not proven:
        return HeldBecause.UNVERIFIED
    if found.refused:  # not sent without them: the moderator decides
        return HeldBecause.FILES
    return HeldBecause.MODERATED if mailing_list.moderated and not accepted else None


def _automatic(message: EmailMessage, mailing_list: MailingList) -> bool:
    """An out-of-office reply, or the list's own mail coming back: never sent on unchecked."""
    auto = str(message.get("Auto-Submitted", "no")).strip().lower()
    own = f"{mailing_list.address}.{services.domain()}".lower() in str(
        message.get("List-Id", "")).lower()
    return auto != "no" or own


@dataclass
class Contents:
    """What a message says: its text, the files attached that can be kept (files.Checked),
    and those that cannot, with why (file name, reason)."""

    text: str
    files: list = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


SIGNATURES = {"application/pkcs7-signature", "application/x-pkcs7-signature",
              "application/pgp-signature"}  # a signed message's signature: no attachment
# Damage after which a message's text or files are not what its sender wrote.
FATAL_DEFECTS = (errors.StartBoundaryNotFoundDefect, errors.MultipartInvariantViolationDefect,
                 errors.NoBoundaryInMultipartDefect, errors.InvalidBase64LengthDefect)


def contents(message: EmailMessage) -> Contents:
    """The message's text (its plain part, else its HTML part as text) and attachments;
    Unreadable if a part cannot be decoded or the message has neither text nor files."""
    body = message.get_body(preferencelist=("plain", "html"))
    found = Contents(_text_of(body) if body is not None else "")
    for part in message.iter_attachments():
        if part.get_content_type() in SIGNATURES:
            continue
        name = single_line(part.get_filename() or "")[:200]
        try:
            found.files.append(files.checked_data(_data_of(part), name))
        except files.Refused as refused:
            found.refused.append((name or "?", str(refused)))
    if any(isinstance(defect, FATAL_DEFECTS) for part in message.walk()
           for defect in part.defects):
        raise Unreadable("damaged MIME structure or encoding")
    if not found.text.strip() and not found.files and not found.refused:
        raise Unreadable("neither text nor attachments")
    return found


def _text_of(part: EmailMessage) -> str:
    content = part.get_content()  # LookupError: an unknown charset
    return content if part.get_content_type() == "text/plain" else plain_text(content)


def _data_of(part: EmailMessage) -> bytes:
    """An attachment's bytes, decoded from its transfer encoding (defects noted)."""
    if part.is_multipart() or part.get_content_maintype() == "message":
        return part.as_bytes()  # e.g. a forwarded e-mail: no type a file may have
    return part.get_payload(decode=True) or b""


def _parent(mailing_list: MailingList, message: EmailMessage) -> ListPost | None:
    """The list's message this one answers (In-Reply-To, else the newest of References)."""
    ids = [address for _name, address in getaddresses(
        [str(message.get("In-Reply-To", "")), str(message.get("References", ""))])]
    wanted = [f"<{i.strip('<>')}>" for i in ids if i]
    if not wanted:
        return None
    found = db.session.scalars(sa.select(ListPost).where(
        ListPost.list_id == mailing_list.id, ListPost.message_id.in_(wanted),
        ListPost.status == PostStatus.POSTED)).all()
    return max(found, key=lambda p: p.id, default=None)


# --- the SMTP server ----------------------------------------------------------------------

class Receiver:
    """The aiosmtpd handler: recipients checked at RCPT, the message taken at DATA (in a
    thread, with the app's context, so the server keeps answering meanwhile)."""

    def __init__(self, app):
        self.app = app

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        known = await asyncio.get_running_loop().run_in_executor(None, self._knows, address)
        if known is not True:
            return known or UNKNOWN_ADDRESS
        envelope.rcpt_tos.append(address)
        return ACCEPTED

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        return await asyncio.get_running_loop().run_in_executor(
            None, self._receive, envelope.content, list(envelope.rcpt_tos))

    def _knows(self, address: str) -> bool | str:
        with self.app.app_context():
            return self._answering(knows, address)

    def _receive(self, data: bytes, recipients: list[str]) -> str:
        with self.app.app_context():
            return self._answering(receive, data, recipients)

    @staticmethod
    def _answering(work, *args):
        """The work's result; on an unexpected failure (a database error) a temporary refusal,
        which the sending server retries, and the details only in the log."""
        try:
            return work(*args)
        except Exception:  # noqa: BLE001 - the SMTP session must get an answer
            log.exception("incoming mail: %s failed", work.__name__)
            db.session.rollback()
            return TRY_LATER


def receiver(app, host: str, port: int) -> Controller:
    """The SMTP server for incoming mail (not started); a message over MAIL_RECEIVE_MAX_BYTES
    gets 552."""
    return Controller(Receiver(app), hostname=host, port=port,
                      data_size_limit=app.config["MAIL_RECEIVE_MAX_BYTES"])
