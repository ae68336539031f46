"""Panels that higher features add to the pages of lower ones, without being imported by them.

accounts and organisations are lower features (DESIGN §13): they never import groups or
meetings. A feature that has something to show on a member's or an organisation's page
registers a panel from its package's `init_app(app)`, which the app factory calls after
registering the feature's blueprint:

    def init_app(app):
        register_panel(app, "member", my_panel)

A panel is a callable `(record, viewer) -> (template name, context dict) | None`; None shows
nothing (e.g. the viewer may not see it). The template gets the record under the page's name
(`member`, `organisation`), `viewer` and the context. Panels appear in the order they were
registered (the factory's feature order). Each panel runs a constant number of queries, so a
page's query count does not grow with the record's history.
"""

from collections.abc import Callable

from flask import current_app, render_template
from markupsafe import Markup

Panel = Callable[..., tuple[str, dict] | None]
# dashboard: the viewer's
PAGES = ("member", "organisation", "municipality", "group", "meeting", "minutes", "dashboard")


def register_panel(app, page: str, panel: Panel) -> None:
    """Add a panel to one kind of page (one of PAGES) of this app."""
    if page not in PAGES:
        raise KeyError(page)
    app.extensions.setdefault("panels", {}).setdefault(page, []).append(panel)


def render_panels(page: str, record, viewer) -> Markup:
    """The record's panels as HTML, in order (the template global `panels`)."""
    parts = []
    for panel in current_app.extensions.get("panels", {}).get(page, []):
        shown = panel(record, viewer)
        if shown is not None:
            template, context = shown
            parts.append(render_template(template, viewer=viewer, **{page: record}, **context))
    return Markup("".join(parts))
