"""Accounts: logging in, invitations, passwords, profiles and the administrator's member list.

`member_reactivated` is sent inside the transaction that lets a member back in, so that
higher features (meetings) can expect them again; `member_deactivated` inside the one that
stops them, so that they can let go of what the member held (a visit's place) (DESIGN §13).
"""

from blinker import Namespace
from flask import Blueprint

bp = Blueprint("accounts", __name__)

signals = Namespace()
member_reactivated = signals.signal("member-reactivated")  # sender: the Member
member_deactivated = signals.signal("member-deactivated")  # sender: the Member


def init_app(app) -> None:
    """The session's member is loaded from here; `flask users`; the worker forgets old
    log-in attempts."""
    from ..extensions import login_manager
    from ..worker import TIDY, register_job
    from .auth import load_member_for_session, purge_login_attempts
    from .cli import users_cli

    login_manager.user_loader(load_member_for_session)
    app.cli.add_command(users_cli)
    register_job(app, purge_login_attempts, TIDY)
