"""Configuration defaults; instance/config.py and INTRANET_* environment variables override them."""

import json
import os
import secrets
from datetime import timedelta
from pathlib import Path

from .database import database_url, engine_options

DEFAULTS = {
    "SQLALCHEMY_DATABASE_URI": None,  # set from the instance path unless configured
    "SQLALCHEMY_ENGINE_OPTIONS": None,  # None: database.engine_options() for its dialect
    "BABEL_DEFAULT_LOCALE": "cs",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Prague",
    "LANGUAGES": ["cs", "en"],
    "WTF_CSRF_TIME_LIMIT": int(timedelta(hours=24).total_seconds()),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": None,  # None: Secure exactly when the request came over HTTPS
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    "BEHIND_PROXY": False,
    "SITE_NAME": "Intranet spolupráce obcí",
    "PUBLIC_URL": "http://127.0.0.1:5000",  # the address members use; links in e-mails
    "TRUSTED_HOSTS": None,  # e.g. ["intranet.example.cz"]: other Host headers get 400
    "MAIL_FROM": "Intranet <intranet@localhost>",
    "MAIL_SMTP_HOST": None,  # no host: mail goes to the Maildir below
    "MAIL_SMTP_PORT": 25,
    "MAIL_SMTP_SECURITY": "none",  # none | starttls | ssl
    "MAIL_SMTP_USER": None,
    "MAIL_SMTP_PASSWORD": None,
    "MAIL_SMTP_TIMEOUT": 20,
    "MAIL_SMTP_CONNECTIONS": 4,  # the deliverer sends over this many connections at once
    "MAIL_RECEIVE_HOST": "127.0.0.1",  # `flask mail receive`: where the MTA hands list mail
    "MAIL_RECEIVE_PORT": 8025,
    "MAIL_RECEIVE_MAX_BYTES": 25_000_000,  # a larger incoming message gets 552
    # The mail server whose Authentication-Results (its authserv-id) vouch for senders; without
    # one, mail from members' addresses is held (unless a list trusts the From header).
    "MAIL_TRUSTED_AUTHSERV_ID": None,
    "CALENDAR_REPLY_ADDRESS": None,  # calendar Yes/No replies; default odpovedi@ MAIL_FROM's domain
    "MAILING_DOMAIN": None,  # the member lists' addresses (vsichni@…); default: MAIL_FROM's
    "MAIL_MAILDIR": None,  # defaults to instance/maildir
    "MAIL_MAX_ATTEMPTS": 16,  # with the backoff: about a day and a half of retries
    "MAIL_BATCH_SIZE": 100,  # claimed at once: after a crash at most twice this many go out twice
    "HEALTH_STALE_SECONDS": 300,  # /healthz: a worker or receiver silent longer is not alive
    "LOG_FORMAT": "text",  # "json": one JSON object a line (intranet/logs.py)
    "LOG_LEVEL": "INFO",
    "METRICS_ALLOWED_IPS": ["127.0.0.1", "::1"],  # who may read /metrics (addresses, networks)
    "MAIL_STALE_CLAIM_SECONDS": 600,  # a claim this old was left by a deliverer that died
    "INVITATION_VALID_FOR": timedelta(days=7),
    "STRATEGY_LINK_DAYS": 30,  # an indicator owner's one-click link to enter a value
    "RESET_VALID_FOR": timedelta(hours=2),
    # Failed log-ins: per account from one address, per address, per account from anywhere.
    "LOGIN_WINDOW": timedelta(minutes=15),
    "LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP": 5,
    "LOGIN_MAX_FAILURES_PER_IP": 30,
    "LOGIN_ACCOUNT_WINDOW": timedelta(hours=24),
    "LOGIN_MAX_FAILURES_PER_ACCOUNT": 50,
    # "Forgotten password": mails per account, requests per address.
    "RESET_WINDOW": timedelta(hours=1),
    "RESET_MAX_MAILS_PER_ACCOUNT": 3,
    "RESET_MAX_REQUESTS_PER_IP": 10,
    "PASSWORD_MIN_LENGTH": 10,
    # argon2 PasswordHasher parameters: OWASP's minimum for Argon2id (accounts/passwords.py)
    "PASSWORD_HASH": {"memory_cost": 19_456, "time_cost": 2, "parallelism": 1},
    "PER_PAGE": 25,
    # A form's text fields together (minutes up to 1 MB of text, percent-encoded in the form).
    "MAX_FORM_MEMORY_SIZE": 4_000_000,
    "MAX_ATTACHMENT_BYTES": 20_000_000,  # a file attached to a meeting (and so a request)
    "ATTACHMENT_DIR": None,  # defaults to instance/attachments; shared storage on several hosts
    "ACCEPT_NEW_SECRET_KEY": False,  # once, after the key was changed on purpose on every host
    "CATALOGUE_PUBLIC": False,  # /verejny-katalog: the provider catalogue for citizens
}


def load_config(app, test_config=None):
    """Apply defaults, then instance/config.py, then INTRANET_* env vars, then test overrides."""
    app.config.from_mapping(DEFAULTS)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("INTRANET", loads=_loads)
        if os.environ.get("DATABASE_URL"):
            app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    else:
        app.config.from_mapping(test_config)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        db_file = Path(app.instance_path) / "intranet.sqlite"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_file}"
    url = database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    if app.config["SQLALCHEMY_ENGINE_OPTIONS"] is None:
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(url)
    if not app.config.get("ATTACHMENT_DIR"):
        app.config["ATTACHMENT_DIR"] = str(Path(app.instance_path) / "attachments")
    if app.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_ATTACHMENT_BYTES"] + 1_000_000
    if not app.config.get("MAIL_MAILDIR"):
        app.config["MAIL_MAILDIR"] = str(Path(app.instance_path) / "maildir")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret_key(app.instance_path)


def _loads(value):
    """Read an env value as JSON when it is JSON (numbers, true/false), else as a plain string."""
    try:
        return json.loads(value)
    except ValueError:
        return value


def _instance_secret_key(instance_path):
    """Return the secret key kept in instance/secret_key, generating it on first run."""
    key_file = Path(instance_path) / "secret_key"
    try:  # O_EXCL: when two workers start at once, only one writes the key
        descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(secrets.token_urlsafe(48))
    return key_file.read_text().strip()
