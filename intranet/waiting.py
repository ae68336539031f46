"""Work that waits for someone ("Čeká na vás"): minutes to approve, posts to moderate, a
review to answer, one's own unfinished minutes. Each feature registers what waits for a
member from its package's `init_app(app)`, the way features register panels (panels.py):

    def init_app(app):
        register_waiting(app, waiting_for_me)

A provider is a callable `member -> list[Waiting]`, a constant number of queries each. The
dashboard lists everything that waits; the mail package tells the member by e-mail, at most
once a day (mail.waiting).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app


@dataclass(frozen=True)
class Waiting:
    text: str  # what waits, in the viewer's language: "Schválit zápis: č. 4 – …"
    endpoint: str  # where it is done: the page links it, the mail makes it absolute
    values: dict = field(default_factory=dict)


Provider = Callable[..., list[Waiting]]


def register_waiting(app, provider: Provider) -> None:
    app.extensions.setdefault("waiting", []).append(provider)


def waiting_for(member) -> list[Waiting]:
    """Everything that waits for the member, feature after feature."""
    return [item for provider in current_app.extensions.get("waiting", [])
            for item in provider(member)]
