"""Facts that shared code and lower features ask without importing the feature that knows
them: the policy asks whether a member coordinates a group or is on a list, the groups'
pages whether a group has meetings to come. The feature that knows registers the answer from
its package's `init_app(app)`, the way features register panels (panels.py):

    def init_app(app):
        register_fact(app, COORDINATES, is_coordinator)

A fact's name is one of the constants below (one place lists what may be asked); asking a
fact no feature answers is a programming error (LookupError), never a silent False.
"""

from collections.abc import Callable

from flask import current_app

COORDINATES = "coordinates"  # (member, group) -> bool: a coordinator of that group
COORDINATES_ANY = "coordinates any"  # (member) -> bool: a coordinator of some group
IN_GROUP = "in group"  # (member_id, group_id) -> bool: an active member of the group
ON_LIST = "on list"  # (mailing_list, member) -> bool: receives and may write to the list
UPCOMING_MEETINGS = "upcoming meetings"  # (group_id) -> bool: meetings still to come
FACTS = (COORDINATES, COORDINATES_ANY, IN_GROUP, ON_LIST, UPCOMING_MEETINGS)


def register_fact(app, name: str, answer: Callable) -> None:
    """The feature that knows answers the fact `name` (one of FACTS) in this app."""
    if name not in FACTS:
        raise KeyError(name)
    app.extensions.setdefault("facts", {})[name] = answer


def fact(name: str, *args):
    """The answer of the feature that registered the fact."""
    answer = current_app.extensions.get("facts", {}).get(name)
    if answer is None:
        raise LookupError(f"no feature answers the fact {name!r}")
    return answer(*args)
