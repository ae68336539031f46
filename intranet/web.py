"""Helpers every view uses: one URL with two renderings, pagination, the page number."""

from flask import current_app, make_response, render_template, request, url_for
from flask_login import current_user
from flask_sqlalchemy.pagination import SelectPagination

from .extensions import db, htmx


def wants_fragment() -> bool:
    """An htmx request that is not a boosted navigation wants only the fragment."""
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request


def render(page: str, fragment: str, status: int = 200, **context):
    """Render the page, or only its fragment for an htmx request; the page includes the fragment."""
    template = fragment if wants_fragment() else page
    response = make_response(render_template(template, **context), status)
    response.vary.add("HX-Request")
    return response


class RowPagination(SelectPagination):
    """Pagination whose items are whole rows, e.g. (organisation, member_count)."""

    def _query_items(self) -> list:
        select = self._query_args["select"].limit(self.per_page).offset(self._query_offset)
        return list(self._query_args["session"].execute(select).unique().all())


def paginate(query, per_page: int | None = None):
    """A page of a select, the page number taken from ?page= (bad numbers give page 1).

    A select of one entity gives entities; a select of several columns gives rows.
    """
    pagination_class = SelectPagination if len(query.column_descriptions) == 1 else RowPagination
    return pagination_class(
        select=query, session=db.session(), page=max(request.args.get("page", 1, type=int), 1),
        per_page=per_page or current_app.config["PER_PAGE"], error_out=False, count=True)


def render_form(template: str, form, status: int | None = None, **context):
    """Render a form page: 200 when first shown, 400 when it comes back with errors."""
    if status is None:
        status = 400 if form.errors or form.form_errors else 200
    return render_template(template, form=form, **context), status


def page_url(page: int) -> str:
    """This page's URL with the same filters and another page number."""
    args = {**(request.view_args or {}), **request.args.to_dict(), "page": page}
    return url_for(request.endpoint, **args)


def current_member():
    """The logged-in member itself, not Flask-Login's proxy (services keep and compare it)."""
    return current_user._get_current_object()
