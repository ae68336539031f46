"""Dashboard, health check, language switch."""

from flask import current_app, jsonify, redirect, render_template, request

from .. import heartbeats
from ..extensions import db
from ..forms import valid_data
from ..global_search import (
    is_searchable,
    kind_named,
    kind_page,
    search_everything,
    search_kinds,
)
from ..i18n import set_language
from ..policy import ensure, public
from ..waiting import waiting_for
from ..web import current_member, render, safe_local_target
from . import bp
from .forms import SearchForm


@bp.get("/")
def dashboard():
    from ..groups.services import my_groups
    from ..meetings.services import upcoming_for

    member = current_member()
    return render_template("core/dashboard.html", my_groups=my_groups(member),
                           upcoming=upcoming_for(member), waiting=waiting_for(member))


@bp.get("/search")
def search():
    """One search for everything (the header's box): the first hits of each kind the
    reader may read, grouped, or (?kind=) all of one kind, a page at a time."""
    form = SearchForm(request.args)
    form.validate()  # a query too long is said at the field and not searched
    q = valid_data(form.q) or ""
    kind, reader = kind_named(request.args.get("kind")), current_member()
    context = {"form": form, "q": q, "searched": is_searchable(q), "kind": kind,
               "parts": ", ".join(str(each.heading) for each in search_kinds())}
    if context["searched"] and kind is not None:
        context["pagination"] = kind_page(kind, reader, q)
        ensure(context["pagination"].found is not None)
    elif context["searched"]:
        context["results"] = search_everything(reader, q)
    return render("core/search.html", "core/_search_results.html",
                  status=400 if form.errors else 200, **context)


@bp.get("/healthz")
@public
def healthz():
    """For load balancers and monitoring: 503 when the database does not answer (this app
    server cannot serve); else 200, "ok", or "degraded" when the worker (mail, reminders)
    or the mail receiver has not beaten its heart lately (heartbeats.py)."""
    try:
        processes = heartbeats.states()
    except Exception:  # noqa: BLE001 - any database failure means "not healthy"
        current_app.logger.exception("health check: database unavailable")
        db.session.rollback()
        return jsonify(status="error", db="unavailable"), 503
    alive = all(state["alive"] for state in processes.values())
    return jsonify(status="ok" if alive else "degraded", db="ok", **processes)


@bp.post("/language")
@public
def switch_language():
    set_language(request.form.get("language", ""), current_member())
    return redirect(safe_local_target(request.form.get("next")))
