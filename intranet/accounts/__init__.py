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
