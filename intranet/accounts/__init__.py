"""Accounts: logging in, invitations, passwords, profiles and the administrator's member list."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
