"""Helpers every view uses: one URL with two renderings, pagination, redirects, links."""

from urllib.parse import urlsplit

import jinja2
from flask import Response, current_app, make_response, render_template, request, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from werkzeug.routing import IntegerConverter

from .database import count_of_rows, page_of, page_params, row_shape, row_type, rows_of
from .extensions import htmx


def wants_fragment() -> bool:
    """An htmx request that is not a boosted navigation wants only the fragment."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def htmx_redirect(location: str):
    """Make htmx load a whole new page (used where a fragment was asked for)."""
    return Response(status=204, headers={"HX-Redirect": location})


def render(page: str, fragment: str, status: int = 200, **context):
    """Render the page, or only its fragment for an htmx request; the page includes the fragment."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


class Template(jinja2.Template):
    """The app's templates (jinja_env.template_class). `{% from "…" import macro %}` reuses
    the macro file's module, built once: Jinja builds it once too, but first compares the
    importing template's globals with the file's on every import (20 µs each, five or more
    a page) in case the importer had its own; here every template has the environment's
    globals only. (An import `with context` builds its module each time, as in Jinja.)"""

    def _get_default_module(self, ctx=None):
        return super()._get_default_module(None)


MAX_PAGE = 100_000


class StatementPagination(Pagination):
    """Pagination of a prebuilt select (database.prebuilt) with the values of its parameters
    (`params`): its entities when it selects one, else whole rows, e.g. (organisation,
    member_count); the number of rows from a cheaper select when one is given
    (`count_select`), or the number itself."""

    def _query_items(self) -> list:
        select = self._query_args["select"]
        result = rows_of(page_of(select), page_params(self._query_args["params"], self.per_page,
                                                      self._query_offset))
        shape = row_shape(select)
        if shape == "columns":
            return list(map(row_type(select)._make, result))
        return list(result.unique().scalars() if shape == "entity" else result.unique().all())

    def _query_count(self) -> int:
        count = self._query_args["count_select"]
        if isinstance(count, int):
            return count
        if count is None:
            count = count_of_rows(self._query_args["select"])
        return rows_of(count, self._query_args["params"]).scalar()


class ListPagination(Pagination):
    """Pagination of a list already in memory (e.g. a cached statistics table)."""

    def _query_items(self) -> list:
        return self._query_args["rows"][self._query_offset:self._query_offset + self.per_page]

    def _query_count(self) -> int:
        return len(self._query_args["rows"])


def paginate(query, params: dict | None = None, per_page: int | None = None,
             param: str = "page", count=None):
    """A page of a select (or of a list), the page number taken from ?page= (bad numbers give
    page 1); a page with several lists gives each its own parameter, which its pager links
    change.

    A select is prebuilt (database.prebuilt) and comes with the values of its `params`; one
    of one entity gives entities, one of several columns gives rows. `count`, a select of the
    number of rows or the number itself (kept), may replace counting the whole select (a
    ranked search).
    """
    if isinstance(query, list):
        pagination_class, source = ListPagination, {"rows": query}
    else:
        if params is None:
            raise TypeError("paginate() takes a prebuilt select with the values of its params")
        pagination_class = StatementPagination
        source = {"select": query, "count_select": count, "params": params}
    page = requested_page(param)
    per_page = per_page or current_app.config["PER_PAGE"]
    pagination = pagination_class(**source, page=page, per_page=per_page, error_out=False)
    if not pagination.items and pagination.total and page > 1:  # e.g. its last row removed
        pagination = pagination_class(**source, page=pagination.pages, per_page=per_page,
                                      error_out=False)
    pagination.param = param
    return pagination


def requested_page(param: str = "page") -> int:
    """The page number asked for in ?page= (1 for a bad one)."""
    return min(max(request.args.get(param, 1, type=int), 1), MAX_PAGE)


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` URL parts that fit the database: a larger number is a plain 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def markdown_preview(max_bytes: int, field: str = "text"):
    """The posted text (the form field `field`) as it will look, rendered by the one Markdown
    function (the editors' live preview); 400 with a message when it is over max_bytes."""
    from .markup import render_markdown

    text = request.form.get(field, "")
    if len(text.encode()) > max_bytes:
        return render("_preview.html", "_preview.html", status=400, html=None)
    return render("_preview.html", "_preview.html", html=render_markdown(text))


def render_form(template: str, form, status: int | None = None, **context):
    """Render a form page: 200 when first shown, 400 when it comes back with errors."""
    if status is None:
        status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


class RowUrl:
    """The URL of each row of a list, routed once for the whole list (templates: row_url):
    RowUrl("groups.remove_member", "member_id", group_id=1)(5) is
    url_for("groups.remove_member", group_id=1, member_id=5)."""

    MARK = 987_654_321_987

    def __init__(self, endpoint: str, key: str, **values):
        url = url_for(endpoint, **values, **{key: self.MARK})
        assert url.count(str(self.MARK)) == 1, url
        self.prefix, _mark, self.suffix = url.partition(str(self.MARK))

    def __call__(self, row_id: int) -> str:
        return f"{self.prefix}{int(row_id)}{self.suffix}"


def page_url(page: int, param: str = "page", endpoint: str | None = None, **values) -> str:
    """This page's URL with the same filters and another page number (of list `param`); or,
    for a list sent in answer to a form, the URL of the page that shows it (`endpoint`)."""
    if endpoint:
        return url_for(endpoint, **values, **{param: page})
    return this_url(**{param: page})


def this_url(**changes) -> str:
    """This page's URL with the same query parameters but the changed ones (None drops one)."""
    return url_with_args(request.endpoint, **{**(request.view_args or {}), **changes})


def url_with_args(endpoint: str, **values) -> str:
    """The endpoint's URL with this page's query parameters, `values` replacing theirs (None
    drops one); never those url_for itself takes (endpoint, _external, _method…)."""
    args = {key: value for key, value in request.args.items()
            if key != "endpoint" and not key.startswith("_")}
    args = {key: value for key, value in {**args, **values}.items() if value is not None}
    return url_for(endpoint, **args)


def safe_local_target(target: str | None, fallback: str = "/") -> str:
    """A path on this site to redirect to after a form; anything else gives the fallback."""
    if not target or any(ord(c) < 32 or c == "\\" for c in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):
        return fallback
    return target


def external_url(endpoint: str, **values) -> str:
    """An absolute link for e-mails, built on the configured PUBLIC_URL, never the Host header.

    It works without a request too (the worker's reminders).
    """
    public = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(public.netloc, script_name=public.path or "/",
                                       url_scheme=public.scheme)
    return adapter.build(endpoint, values, force_external=True)


def current_member():
    """The logged-in member itself, not Flask-Login's proxy (services keep and compare it)."""
    return current_user._get_current_object()


MAX_ID = 2**63 - 1


def parse_id(value) -> int | None:
    """A record id from a query string or form value; None for anything else."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number <= MAX_ID else None


def confirmed() -> bool:
    """Whether a destructive POST was confirmed (htmx's dialog or the confirmation page)."""
    return request.form.get("confirmed") == "1"


def ask_to_confirm(question: str, back: str):
    """Without JavaScript there is no dialog: ask on a page that re-sends the same form."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
    return render_template("confirm.html", question=question, back=back, fields=fields,
                           action=request.path)
