"""The lists on the web: my lists and how I receive them, a list's archive, writing to a
list with a preview, moderation, and unsubscribing from an e-mail without logging in."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for

from .. import files
from ..extensions import csrf, db
from ..forms import valid_data
from ..i18n import gettext as _
from ..mail.services import Outsider, queue_mail
from ..policy import (
    ensure,
    may_moderate_list,
    may_post_to_list,
    may_read_list,
    public,
    requires,
)
from ..text import size_text
from ..web import (
    ask_to_confirm,
    confirmed,
    current_member,
    external_url,
    markdown_preview,
    paginate,
    parse_id,
    render,
    render_form,
    wants_fragment,
)
from . import archive, bp, moderation, services
from .forms import (
    HELD_LABELS,
    MAX_TEXT_BYTES,
    MODE_LABELS,
    ArchiveSearchForm,
    ModeForm,
    PostForm,
    RejectForm,
)
from .models import ListAttachment, ListPost, Mode, PostStatus, SenderAction
from .waiting import held_counts


@bp.get("/lists")
@requires("directory.view")
def subscriptions():
    """Moje odběry: the lists I am on and how I receive each."""
    member = current_member()
    return render_template("mailing/subscriptions.html", lists=services.lists_of(member),
                           held=held_counts(member), form=ModeForm())


@bp.post("/lists/<int:list_id>/mode")
@requires("directory.view")
def change_mode(list_id):
    mailing_list = services.get_list(list_id)
    ensure(may_post_to_list(current_member(), mailing_list))
    form = ModeForm()
    if not form.validate_on_submit():
        flash(_("Vyberte, jak chcete zprávy dostávat."), "error")
        return redirect(url_for("mailing.subscriptions")), 303
    mode = Mode(form.mode.data)
    services.set_mode(mailing_list, current_member(), mode)
    flash(_("Uloženo: %(list)s – %(mode)s.", list=mailing_list.name, mode=MODE_LABELS[mode]),
          "success")
    return redirect(url_for("mailing.subscriptions"))


@bp.get("/lists/<int:list_id>", endpoint="archive")
@requires("directory.view")
def archive_page(list_id):
    """The list's archive: threads newest first, or the messages found by their words."""
    mailing_list = _readable(list_id)
    form = ArchiveSearchForm(request.args)
    form.validate()
    q = valid_data(form.q) or ""
    search = archive.found(mailing_list, q)  # None also for punctuation alone
    if search is None:
        pagination, snippets = paginate(*archive.threads(mailing_list),
                                        count=archive.thread_count(mailing_list)), {}
    else:
        query, count, params = search
        pagination = paginate(query, params, count=count)
        snippets = archive.snippets_of(q, pagination.items)
    member = current_member()
    return render("mailing/archive.html", "mailing/_archive_results.html",
                  mailing_list=mailing_list, form=form, searched=search is not None,
                  pagination=pagination, snippets=snippets,
                  address=services.address_of(mailing_list),
                  may_post=may_post_to_list(member, mailing_list),
                  may_moderate=may_moderate_list(member, mailing_list),
                  held=archive.held_count(mailing_list))


@bp.get("/lists/<int:list_id>/threads/<int:thread_id>")
@requires("directory.view")
def thread(list_id, thread_id):
    mailing_list = _readable(list_id)
    posts = archive.thread(mailing_list, thread_id)
    if not posts:
        abort(404)
    counts = archive.progress([post.outbox_message_id for post in posts])
    member = current_member()
    return render_template("mailing/thread.html", mailing_list=mailing_list, posts=posts,
                           may_moderate=may_moderate_list(member, mailing_list),
                           may_post=may_post_to_list(member, mailing_list),
                           progress={post.id: counts[post.outbox_message_id] for post in posts})


@bp.get("/lists/<int:list_id>/posts/<int:post_id>/progress")
@requires("directory.view")
def progress(list_id, post_id):
    """How far the message's delivery has got (polled by the progress bar)."""
    mailing_list = _readable(list_id)
    ensure(may_moderate_list(current_member(), mailing_list))
    item = _post_of(mailing_list, post_id)
    counts = archive.progress([item.outbox_message_id])[item.outbox_message_id]
    return render("mailing/progress.html", "mailing/_progress.html", post=item,
                  mailing_list=mailing_list, counts=counts,
                  failures=[] if wants_fragment() else archive.failures(item.outbox_message_id))


@bp.route("/lists/<int:list_id>/new", methods=["GET", "POST"])
@requires("directory.view")
def new_post(list_id):
    """A new message to the list, or (?reply_to=<post id>) an answer in a thread."""
    mailing_list = services.get_list(list_id)
    ensure(may_post_to_list(current_member(), mailing_list))
    parent = _replied_to(mailing_list)
    form = PostForm()
    if request.method == "GET" and parent is not None:
        form.subject.data = services.reply_subject(parent.subject)
    attached = _checked_files(form) if form.validate_on_submit() else None
    if attached is None:
        return _post_form(form, mailing_list, parent)
    try:
        item = services.post(mailing_list, current_member(), form.subject.data,
                             form.text.data, attached, parent=parent)
    except services.Banned:
        form.form_errors.append(_("Tento rozesílač od vás zprávy nepřijímá. Pokud jde o "
                                  "omyl, obraťte se na koordinátora či koordinátorku "
                                  "skupiny."))
        return _post_form(form, mailing_list, parent, status=403)
    if item.status is PostStatus.HELD:
        flash(_("Zpráva čeká na schválení moderátorem (moderátorkou). Dáme vám vědět."), "info")
        return redirect(url_for("mailing.archive", list_id=list_id))
    flash(_("Zpráva byla odeslána do rozesílače %(list)s.", list=mailing_list.name), "success")
    return redirect(url_for("mailing.thread", list_id=list_id, thread_id=item.thread_id,
                            _anchor=f"post-{item.id}"))


def _replied_to(mailing_list) -> ListPost | None:
    """The message a reply answers (?reply_to= or the form's field); 404 if the list has no
    such posted message."""
    wanted = request.values.get("reply_to")
    if not wanted:
        return None
    parent = services.replied_post(mailing_list, parse_id(wanted) or 0)
    if parent is None:
        abort(404)
    return parent


def _post_form(form: PostForm, mailing_list, parent: ListPost | None,
               status: int | None = None):
    return render_form("mailing/post_form.html", form, status=status, parent=parent,
                       mailing_list=mailing_list, address=services.address_of(mailing_list),
                       limit=size_text(files.limit()))


def _checked_files(form: PostForm) -> list | None:
    """The chosen files, checked; None (and the reason at the field) if one cannot go."""
    try:
        return [files.checked(upload) for upload in form.uploads()]
    except files.Refused as refused:
        form.files.errors = [*form.files.errors, str(refused),
                             _("Vyberte prosím soubory znovu; text zprávy zůstal.")]
        return None


@bp.get("/lists/attachments/<int:attachment_id>")
@requires("directory.view")
def attachment(attachment_id):
    """A list message's file, for the people on the list."""
    item = db.first_or_404(sa.select(ListAttachment).where(ListAttachment.id == attachment_id))
    post = services.get_post(item.post_id)
    mailing_list = _readable(post.list_id)
    if post.status is not PostStatus.POSTED:
        ensure(may_moderate_list(current_member(), mailing_list))
    return files.download(item.sha256, item.mimetype, item.filename)


@bp.post("/lists/<int:list_id>/preview")
@requires("directory.view")
def preview(list_id):
    """The text as members will see it, rendered by the same function as the archive."""
    ensure(may_post_to_list(current_member(), services.get_list(list_id)))
    return markdown_preview(MAX_TEXT_BYTES)


@bp.get("/lists/<int:list_id>/held")
@requires("directory.view")
def held(list_id):
    mailing_list = _moderated(list_id)
    return render_template("mailing/held.html", mailing_list=mailing_list,
                           pagination=paginate(*archive.held(mailing_list)),
                           held_labels=HELD_LABELS, discard_question=discard_question)


@bp.post("/lists/<int:list_id>/posts/<int:post_id>/approve")
@requires("directory.view")
def approve(list_id, post_id):
    item = _moderated_post(list_id, post_id)
    always = request.form.get("always") == "1"
    if not moderation.approve(item, current_member(), always=always):
        return _decided_before(list_id)
    _tell_poster(item, "mailing/post_approved")
    flash(_("Zpráva byla schválena a odeslána: %(subject)s", subject=item.subject), "success")
    if always:
        flash(_("Zprávy z adresy %(address)s půjdou do rozesílače bez schvalování.",
                address=item.sender_email), "success")
    return redirect(url_for("mailing.held", list_id=list_id))


@bp.route("/lists/<int:list_id>/posts/<int:post_id>/reject", methods=["GET", "POST"])
@requires("directory.view")
def reject(list_id, post_id):
    item = _moderated_post(list_id, post_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return render_form("mailing/reject.html", form, mailing_list=item.mailing_list,
                           post=item)
    if not moderation.reject(item, current_member(), form.reason.data):
        return _decided_before(list_id)
    _tell_poster(item, "mailing/post_rejected")
    flash(_("Zpráva nebyla puštěna do rozesílače; pisatel(ka) dostane vysvětlení."), "success")
    return redirect(url_for("mailing.held", list_id=list_id))


@bp.post("/lists/<int:list_id>/posts/<int:post_id>/discard")
@requires("directory.view")
def discard(list_id, post_id):
    """Drop a held post without a word to its sender (spam); with ban=1 every later one too."""
    item = _moderated_post(list_id, post_id)
    ban = request.form.get("ban") == "1"
    if not confirmed():
        return ask_to_confirm(discard_question(item, ban), url_for("mailing.held",
                                                                  list_id=list_id))
    if not moderation.discard(item, current_member(), ban=ban):
        return _decided_before(list_id)
    if ban:
        flash(_("Zpráva byla zahozena a zprávy z adresy %(address)s budou zahazovány bez "
                "odpovědi.", address=item.sender_email), "success")
    else:
        flash(_("Zpráva byla zahozena; odesílatel(ka) se to nedozví."), "success")
    return redirect(url_for("mailing.held", list_id=list_id))


def discard_question(item: ListPost, ban: bool) -> str:
    if ban:
        return _("Zahodit zprávu „%(subject)s“ a všechny další z adresy %(address)s?",
                 subject=item.subject, address=item.sender_email)
    return _("Zahodit zprávu „%(subject)s“ bez odpovědi?", subject=item.subject)


def _decided_before(list_id: int):
    flash(_("O této zprávě už rozhodl(a) někdo jiný."), "info")
    return redirect(url_for("mailing.held", list_id=list_id))


@bp.get("/lists/<int:list_id>/senders")
@requires("directory.view")
def senders(list_id):
    """The senders the list's moderators always accept or have banned."""
    mailing_list = _moderated(list_id)
    return render_template("mailing/senders.html", mailing_list=mailing_list,
                           pagination=paginate(*moderation.sender_rules(mailing_list)),
                           accept=SenderAction.ACCEPT)


@bp.post("/lists/<int:list_id>/senders/<int:rule_id>/forget")
@requires("directory.view")
def forget_sender(list_id, rule_id):
    mailing_list = _moderated(list_id)
    rule = moderation.forget_sender(mailing_list, parse_id(rule_id) or 0)
    if rule is not None:
        flash(_("Adresa %(address)s už nemá zvláštní pravidlo: její zprávy se posuzují jako "
                "ostatní.", address=rule.email), "success")
    return redirect(url_for("mailing.senders", list_id=list_id))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@public
@csrf.exempt  # the signed token is the proof; mail clients post here (RFC 8058 one-click)
def unsubscribe(token):
    found = services.read_unsubscribe_token(token)
    if found is None:
        return render_template("mailing/unsubscribe_invalid.html"), 404
    mailing_list, member = found
    if request.method == "POST":
        services.set_mode(mailing_list, member, Mode.WEB)
        return render_template("mailing/unsubscribed.html", mailing_list=mailing_list)
    return render_template("mailing/unsubscribe.html", mailing_list=mailing_list, token=token,
                           mode=services.mode_of(mailing_list, member))


def _readable(list_id: int):
    mailing_list = services.get_list(list_id)
    ensure(may_read_list(current_member(), mailing_list))
    return mailing_list


def _moderated(list_id: int):
    mailing_list = services.get_list(list_id)
    ensure(may_moderate_list(current_member(), mailing_list))
    return mailing_list


def _moderated_post(list_id: int, post_id: int) -> ListPost:
    """A post of a list the member moderates (403 otherwise, 404 if the list has no such)."""
    return _post_of(_moderated(list_id), post_id)


def _post_of(mailing_list, post_id: int) -> ListPost:
    item = services.get_post(parse_id(post_id) or 0)
    if item is None or item.list_id != mailing_list.id:
        abort(404)
    return item


def _tell_poster(item: ListPost, template: str) -> None:
    """The poster learns what the moderator decided (an e-mail, whatever they subscribe): a
    member at their registered address, a stranger at the address they wrote from."""
    poster = item.author if item.author is not None else Outsider(item.sender_email)
    queue_mail(poster, "account", template, post=item,
               url=external_url("mailing.archive", list_id=item.list_id))
    db.session.commit()
