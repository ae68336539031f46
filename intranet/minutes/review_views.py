"""The review round: sent by those who write the minutes, answered from a signed link."""

from flask import flash, redirect, render_template, url_for
from flask_babel import ngettext

from ..i18n import gettext as _
from ..policy import ensure, may_write_minutes, public, requires
from ..web import current_member
from . import bp, review, services, tasks
from .forms import ReviewAnswerForm, ReviewForm
from .views import render_minutes


@bp.post("/minutes/<int:minutes_id>/review")
@requires("meetings.view")
def start_review(minutes_id):
    minutes = services.get_minutes(minutes_id)
    ensure(may_write_minutes(current_member(), minutes.meeting.group))
    form = ReviewForm()
    if not form.validate_on_submit():  # the page again, the mistake at the date
        return render_minutes(minutes, review_form=form, status=400)
    try:
        asked = review.start(minutes, form.deadline.data)
    except review.NotDraft:
        flash(_("K připomínkám jde jen rozepsaný zápis."), "error")
        return redirect(url_for("minutes.show", minutes_id=minutes.id)), 303
    flash(ngettext("Koncept odešel k připomínkám %(num)d přítomné osobě.",
                   "Koncept odešel k připomínkám %(num)d přítomným osobám.", asked)
          if asked else _("Všichni přítomní už koncept dostali; termín je upraven."), "success")
    return redirect(url_for("minutes.show", minutes_id=minutes.id))


@bp.route("/review/<token>", methods=["GET", "POST"])
@public
def review_by_link(token):
    """The draft for one attendee, with "Bez připomínek" and a comment, without logging in."""
    found = review.by_token(token)
    if found is None:
        return render_template("minutes/review_closed.html", invalid=True), 404
    minutes = services.get_minutes(found.minutes_id)
    if not review.is_open(found, minutes):
        return render_template("minutes/review_closed.html", minutes=minutes), 410
    form = ReviewAnswerForm(data={"comment": found.comment})
    if form.validate_on_submit():
        review.answer(found, "" if form.no_remarks.data == "1" else form.comment.data)
        return render_template("minutes/review_done.html", minutes=minutes, review=found)
    status = 400 if form.errors else 200
    return render_template("minutes/review.html", minutes=minutes, review=found, form=form,
                           items=tasks.items_of(minutes.id), may_close=lambda _item: False
                           ), status
