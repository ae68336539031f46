"""The member lists: who is on them and how they receive them, posting, and moderation.

Who is on a list follows the rest of the intranet: the territory's list is every active
member, a group's list the group's members (a member who joins the group is on its list at
once), a custom list its subscriptions. A member's Subscription row says how they receive a
list; without one they receive every message. One model of who receives what: the
deliverer asks `receiving` again just before it sends.
"""

import re
import secrets
from email.utils import parseaddr

import sqlalchemy as sa
from flask import current_app, render_template
from itsdangerous import BadSignature, Signer
from markupsafe import Markup

from .. import files
from ..accounts.models import Member
from ..database import found_or_404, prebuilt, utcnow
from ..extensions import db
from ..groups.models import GroupMembership, WorkingGroup
from ..mail.models import OutboxMessage
from ..mail.services import queue_to_many
from ..markup import plain_text, render_markdown
from ..search import LIST_INDEX, index_text
from ..text import mail_address, normalise_email, plain_name
from ..web import external_url
from .models import (
    HeldBecause,
    ListAttachment,
    ListKind,
    ListPost,
    MailingList,
    Mode,
    PostSource,
    PostStatus,
    SenderAction,
    SenderRule,
    Subscription,
)

CATEGORY = "list"
TERRITORY_ADDRESS = "vsichni"


class NotOnList(Exception):
    """The member is not on this list."""


class Banned(Exception):
    """The list's moderators do not accept this sender's posts."""


# --- lists and their members --------------------------------------------------------------

def get_list(list_id: int) -> MailingList:
    return found_or_404(_list_by_id(), {"list_id": list_id})


@prebuilt
def _list_by_id() -> sa.Select:
    return sa.select(MailingList).where(MailingList.id == sa.bindparam("list_id"))


def get_post(post_id: int) -> ListPost | None:
    return db.session.get(ListPost, post_id)


def domain() -> str:
    """The domain of the lists' addresses (MAILING_DOMAIN, else that of MAIL_FROM)."""
    configured = current_app.config.get("MAILING_DOMAIN")
    return configured or parseaddr(current_app.config["MAIL_FROM"])[1].rsplit("@", 1)[-1]


def address_of(mailing_list: MailingList) -> str:
    return f"{mailing_list.address}@{domain()}"


def group_list_values(group: WorkingGroup) -> dict:
    """The list every working group has (made when the group is, see init_app)."""
    return {"name": f"PS č. {group.number} {group.name}", "address": f"ps{group.number}",
            "kind": ListKind.GROUP, "group_id": group.id}


def member_ids(mailing_list: MailingList) -> sa.Select:
    """The active members on the list (ids)."""
    return _member_ids(mailing_list.kind).params(_list_params(mailing_list))


def _list_params(mailing_list: MailingList) -> dict:
    return {"list_id": mailing_list.id, "group_id": mailing_list.group_id}


@prebuilt
def _member_ids(kind: ListKind) -> sa.Select:
    """The active members on a list of the kind (ids), the list's parameters: _list_params."""
    active = Member.deactivated_at.is_(None)
    if kind is ListKind.TERRITORY:
        return sa.select(Member.id).where(active)
    if kind is ListKind.GROUP:
        return (sa.select(Member.id)
                .join(GroupMembership, GroupMembership.member_id == Member.id)
                .where(GroupMembership.group_id == sa.bindparam("group_id"), active))
    return (sa.select(Member.id).join(Subscription, Subscription.member_id == Member.id)
            .where(Subscription.list_id == sa.bindparam("list_id"), active))


def recipients(mailing_list: MailingList, mode: Mode = Mode.EACH) -> sa.Select:
    """(member id, e-mail) of the list's members who receive it in this mode."""
    return _with_mode(mailing_list, Subscription.mode == mode.value if mode is not Mode.EACH
                      else Subscription.mode.is_(None) | (Subscription.mode == mode.value))


def _with_mode(mailing_list: MailingList, condition) -> sa.Select:
    on_list = member_ids(mailing_list).subquery()
    return (sa.select(Member.id, Member.email)
            .join(on_list, on_list.c.id == Member.id)
            .outerjoin(Subscription, (Subscription.member_id == Member.id)
                       & (Subscription.list_id == mailing_list.id))
            .where(condition))


def minutes_audience(group_id: int) -> int | None:
    """How many members of the group's list get its mail (each message or the digest): to
    whom published minutes go. None for a group without a list."""
    mailing_list = db.session.scalar(sa.select(MailingList).filter_by(group_id=group_id))
    if mailing_list is None:
        return None
    wanting = Subscription.mode.is_(None) | (Subscription.mode != Mode.WEB.value)
    return db.session.scalar(sa.select(sa.func.count()).select_from(
        _with_mode(mailing_list, wanting).subquery()))


def receiving(list_id: int, ids: set[int] | sa.Select) -> set[int]:
    """Which of these members (ids, or a select of them) are still on the list and still
    want its e-mail (every message or the digest), for the deliverer."""
    mailing_list = db.session.get(MailingList, list_id)
    if mailing_list is None:
        return set()
    wanting = Subscription.mode.is_(None) | (Subscription.mode != Mode.WEB.value)
    found = db.session.execute(_with_mode(mailing_list, wanting).where(Member.id.in_(ids)))
    return {member_id for member_id, _email in found}


def is_on(mailing_list: MailingList, member: Member) -> bool:
    return db.session.scalar(_is_on(mailing_list.kind), {
        **_list_params(mailing_list), "member_id": member.id}) or False


@prebuilt
def _is_on(kind: ListKind) -> sa.Select:
    return sa.select(sa.exists(
        _member_ids(kind).where(Member.id == sa.bindparam("member_id"))))


def mode_of(mailing_list: MailingList, member: Member) -> Mode:
    chosen = db.session.scalar(sa.select(Subscription.mode).where(
        Subscription.list_id == mailing_list.id, Subscription.member_id == member.id))
    return chosen or Mode.EACH


def set_mode(mailing_list: MailingList, member: Member, mode: Mode) -> None:
    """Choose how the member receives the list (an upsert: a double click is harmless)."""
    found = db.session.scalar(sa.select(Subscription).where(
        Subscription.list_id == mailing_list.id, Subscription.member_id == member.id))
    if found is None and mailing_list.kind is ListKind.CUSTOM:
        return  # on a custom list the row is the membership: a mode change makes no member
    if found is None:
        db.session.add(Subscription(list_id=mailing_list.id, member_id=member.id, mode=mode))
    else:
        found.mode = mode
    db.session.commit()


def lists_of(member: Member) -> list[tuple[MailingList, Mode]]:
    """The lists the member is on, with how they receive each (for "Moje odběry")."""
    rows = db.session.execute(_lists_of(), {"member_id": member.id}).all()
    return [(mailing_list, mode or Mode.EACH) for mailing_list, mode in rows]


@prebuilt
def _lists_of() -> sa.Select:
    member_id = sa.bindparam("member_id")
    groups = sa.select(GroupMembership.group_id).where(GroupMembership.member_id == member_id)
    custom = sa.select(Subscription.list_id).where(Subscription.member_id == member_id)
    mine = sa.or_(MailingList.kind == ListKind.TERRITORY,
                  (MailingList.kind == ListKind.GROUP) & MailingList.group_id.in_(groups),
                  (MailingList.kind == ListKind.CUSTOM) & MailingList.id.in_(custom))
    return (sa.select(MailingList, Subscription.mode)
            .outerjoin(Subscription, (Subscription.list_id == MailingList.id)
                       & (Subscription.member_id == member_id))
            .where(mine).order_by(MailingList.kind.desc(), MailingList.name))


# --- lists made by administrators ---------------------------------------------------------

RESERVED_ADDRESSES = {"odpovedi", "postmaster", "abuse", "intranet", "noreply"}


def address_taken(address: str) -> bool:
    """Whether a new custom list may not use this address (groups' addresses are ps<number>)."""
    if re.fullmatch(r"ps\d+(-\d+)?", address):
        return True
    return address in RESERVED_ADDRESSES or bool(db.session.scalar(
        sa.select(sa.exists().where(MailingList.address == address))))


def save_list(mailing_list: MailingList | None, name: str, description: str, moderated: bool,
              reply_to: str, address: str | None = None,
              trusts_from_header: bool | None = None) -> MailingList:
    """Make a custom list, or change a list's settings (trusts_from_header: whether mail from
    a member's address counts as theirs without the mail server's proof; None: unchanged)."""
    if mailing_list is None:
        mailing_list = MailingList(kind=ListKind.CUSTOM, address=address)
        db.session.add(mailing_list)
    if mailing_list.kind is not ListKind.GROUP:  # a group's list is named after the group
        mailing_list.name = name
    mailing_list.description = description or ""
    mailing_list.moderated, mailing_list.reply_to_poster = moderated, reply_to == "poster"
    if trusts_from_header is not None:  # None: unchanged (the mail server checks senders)
        mailing_list.trusts_from_header = trusts_from_header
    db.session.commit()
    return mailing_list


def add_members(mailing_list: MailingList, text: str) -> tuple[list[Member], list[str]]:
    """Put the members with these addresses on a custom list: (added, unknown addresses)."""
    addresses = {normalise_email(a) for a in re.split(r"[\s,;]+", text) if a.strip()}
    found = db.session.scalars(sa.select(Member).where(
        Member.email.in_(addresses), Member.deactivated_at.is_(None))).all()
    present = set(db.session.scalars(sa.select(Subscription.member_id).where(
        Subscription.list_id == mailing_list.id)))
    added = [m for m in found if m.id not in present]
    db.session.add_all(Subscription(list_id=mailing_list.id, member_id=m.id) for m in added)
    db.session.commit()
    return added, sorted(addresses - {m.email for m in found})


def remove_member(mailing_list: MailingList, member_id: int) -> None:
    """Take a member off a custom list (on the other lists membership follows the groups)."""
    db.session.execute(sa.delete(Subscription).where(Subscription.list_id == mailing_list.id,
                                                     Subscription.member_id == member_id))
    db.session.commit()


def all_lists() -> tuple[sa.Select, dict]:
    """Every list, the lists of all members first, and the values of the select's parameters
    (none)."""
    return _all_lists(), {}


@prebuilt
def _all_lists() -> sa.Select:
    return sa.select(MailingList).order_by(MailingList.kind.desc(), MailingList.name)


def custom_members(mailing_list: MailingList) -> tuple[sa.Select, dict]:
    """The members a chosen list's administrator put on it, in Czech order, and the values of
    the select's parameters."""
    return _custom_members(), {"list_id": mailing_list.id}


@prebuilt
def _custom_members() -> sa.Select:
    return (sa.select(Member).join(Subscription, Subscription.member_id == Member.id)
            .where(Subscription.list_id == sa.bindparam("list_id")).order_by(Member.sort_key))


# --- unsubscribing from an e-mail ---------------------------------------------------------

def unsubscribe_signer() -> Signer:
    """Signs "list id.member id": the deliverer signs 10,000 of these for one message."""
    return Signer(current_app.config["SECRET_KEY"], salt="list-unsubscribe")


def unsubscribe_token(list_id: int, member_id: int, signer: Signer | None = None) -> str:
    return (signer or unsubscribe_signer()).sign(f"{list_id}.{member_id}").decode()


def read_unsubscribe_token(token: str) -> tuple[MailingList, Member] | None:
    """The list and member of a genuine token; None for a forged or altered one."""
    try:
        list_id, member_id = map(int, unsubscribe_signer().unsign(token).split(b"."))
    except (BadSignature, ValueError):
        return None
    mailing_list, member = db.session.get(MailingList, list_id), db.session.get(Member, member_id)
    return (mailing_list, member) if mailing_list and member else None


# --- posting ------------------------------------------------------------------------------

def new_message_id() -> str:
    return f"<list.{secrets.token_hex(10)}@{domain()}>"


def post(mailing_list: MailingList, author: Member, subject: str, body: str,
         attached: tuple = (), parent: ListPost | None = None) -> ListPost:
    """A member's post from the web, with checked files (files.Checked), maybe answering
    `parent` (in its thread, and threaded in mail: In-Reply-To): held on a moderated list
    (unless its moderators always accept the member), otherwise sent at once."""
    if not is_on(mailing_list, author):
        raise NotOnList
    rule = sender_rule(mailing_list, author.email)
    if rule is SenderAction.BAN:
        raise Banned
    held = mailing_list.moderated and rule is not SenderAction.ACCEPT
    item = ListPost(
        mailing_list=mailing_list, author_id=author.id, sender_name=author.full_name,
        sender_email=author.email, subject=subject, body=body,
        body_html=str(render_markdown(body)), source=PostSource.WEB, message_id=new_message_id(),
        status=PostStatus.HELD if held else PostStatus.POSTED,
        held_because=HeldBecause.MODERATED if held else None)
    item.attachments = kept_attachments(attached)
    return take_post(item, parent)


REPLY_PREFIX = re.compile(r"^\s*(re|odp|aw|sv)\s*:\s*", re.IGNORECASE)


def reply_subject(subject: str) -> str:
    """"Re: Školení" for an answer to "Školení" (and not "Re: Re: …" nor "Re: Odp: …")."""
    while REPLY_PREFIX.match(subject):
        subject = REPLY_PREFIX.sub("", subject, count=1)
    return f"Re: {subject}"[:200]


def replied_post(mailing_list: MailingList, post_id: int) -> ListPost | None:
    """The list's posted message of this id, which a member may answer on the web."""
    return db.session.scalar(sa.select(ListPost).where(
        ListPost.id == post_id, ListPost.list_id == mailing_list.id,
        ListPost.status == PostStatus.POSTED))


def sender_rule(mailing_list: MailingList, address: str) -> SenderAction | None:
    """What the list's moderators decided about this sender for good, if anything."""
    return db.session.scalar(sa.select(SenderRule.action).where(
        SenderRule.list_id == mailing_list.id, SenderRule.email == normalise_email(address)))


def kept_attachments(attached) -> list[ListAttachment]:
    """Checked files (files.Checked) stored, as a post's attachments."""
    for file in attached:
        files.keep(file)
    return [ListAttachment(sha256=f.sha256, filename=f.filename, mimetype=f.mimetype,
                           size=f.size) for f in attached]


def take_post(item: ListPost, parent: ListPost | None = None) -> ListPost:
    """Store a post (in the thread of the one it answers) and, unless held, send it."""
    _add(item, parent)
    db.session.commit()
    return item


def _add(item: ListPost, parent: ListPost | None = None) -> None:
    db.session.add(item)
    db.session.flush()
    item.parent_id = parent.id if parent else None
    item.thread_id = parent.thread_id if parent else item.id
    if item.status is PostStatus.POSTED:
        distribute(item)


def post_automatically(mailing_list: MailingList, subject: str, body: str,
                       body_html: str) -> ListPost:
    """A message the intranet itself posts (published minutes), in the caller's transaction."""
    sender_name, sender = parseaddr(current_app.config["MAIL_FROM"])
    item = ListPost(mailing_list=mailing_list, sender_name=sender_name or sender,
                    sender_email=sender, subject=subject, body=body, body_html=body_html,
                    source=PostSource.MINUTES, status=PostStatus.POSTED,
                    message_id=new_message_id())
    _add(item)
    return item


def distribute(item: ListPost) -> None:
    """Archive the post (searchable: its words without their Markdown marks, as the minutes',
    so that a passage found shows no "**") and queue it to every member who receives each
    message: one stored message and one delivery row per recipient, in the caller's
    transaction."""
    item.posted_at = utcnow()
    index_text(LIST_INDEX, item.id, f"{item.subject}\n{plain_text(item.body_html)}")
    attached = [(a, external_url("mailing.attachment", attachment_id=a.id))
                for a in item.attachments]
    message = OutboxMessage(
        category=CATEGORY, subject=item.subject,
        body_text=render_template("mailing/mail/post.txt", post=item, attached=attached),
        body_html=render_template("mailing/mail/document.html", subject=item.subject,
                                  content=Markup(item.body_html), attached=attached),
        from_name=_from_name(item),
        from_address=address_of(item.mailing_list), message_id=item.message_id,
        reply_to=_reply_to(item), headers=_list_headers(item), list_id=item.list_id)
    queue_to_many(message, recipients(item.mailing_list))
    item.outbox_message_id = message.id


def _from_name(item: ListPost) -> str:
    """Jana Nováková přes Rozesílač: the list sends (DMARC), the poster is named (a name
    never poses as an address: text.plain_name). What the intranet posts itself (minutes)
    comes from the list by its name: "PS č. 4 Sociální služby"."""
    if item.source is PostSource.MINUTES:
        return item.mailing_list.name
    return f"{plain_name(item.sender_name) or item.mailing_list.name} přes Rozesílač"


def _reply_to(item: ListPost) -> str:
    mailing_list = item.mailing_list
    if mailing_list.reply_to_poster:
        return mail_address(item.sender_name, item.sender_email)
    return mail_address(mailing_list.name, address_of(mailing_list))


def _list_headers(item: ListPost) -> dict[str, str]:
    mailing_list, address = item.mailing_list, address_of(item.mailing_list)
    headers = {
        "List-Id": f"{mailing_list.name} <{mailing_list.address}.{domain()}>",
        "List-Post": f"<mailto:{address}>",
        "List-Archive": f"<{external_url('mailing.archive', list_id=mailing_list.id)}>",
        "Precedence": "list",
    }
    parent = db.session.get(ListPost, item.parent_id) if item.parent_id else None
    if parent is not None:  # the thread's first message, then the one answered (RFC 5322)
        root = db.session.get(ListPost, parent.thread_id or parent.id)
        chain = dict.fromkeys([root.message_id if root else "", parent.message_id])
        headers["In-Reply-To"] = parent.message_id
        headers["References"] = " ".join(ref for ref in chain if ref)
    if item.source is PostSource.MINUTES:
        headers["Auto-Submitted"] = "auto-generated"
    return headers
