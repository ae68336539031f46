"""What every host of one installation must share, checked when a process starts (wsgi.py):
the secret key, whose fingerprint the database keeps (sessions and signed links made on one
host must hold on the others), and the attachments' storage, which must be writable (a path
on storage every host reaches). A host that differs says so in one line and stops."""

import hashlib
import hmac
import tempfile
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .database import StartRefused, upsert
from .extensions import db

KEY_FINGERPRINT = "secret_key_fingerprint"


class InstallationSetting(db.Model):
    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    value: Mapped[str] = mapped_column(sa.String(200))


def check_installation(app) -> None:
    """Refuse to start with another secret key than the installation's, or attachments'
    storage that cannot be written."""
    _check_storage(Path(app.config["ATTACHMENT_DIR"]))
    with app.app_context():
        if sa.inspect(db.engine).has_table(InstallationSetting.__tablename__):
            _check_secret_key(app)  # (not before the first `flask db upgrade`)


def _check_storage(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise StartRefused(f"Přílohy: do {folder} nelze zapisovat ({error.strerror or error}); "
                           "nastavte INTRANET_ATTACHMENT_DIR na sdílené úložiště, kam "
                           "tento server smí zapisovat.") from None


def _check_secret_key(app) -> None:
    """The first process of an installation records its key's fingerprint; every later
    one, on any host, must have the same key (ACCEPT_NEW_SECRET_KEY: a key changed on
    purpose on every host replaces it)."""
    mine = fingerprint(app.config["SECRET_KEY"])
    stored = db.session.get(InstallationSetting, KEY_FINGERPRINT)
    if stored is None or app.config.get("ACCEPT_NEW_SECRET_KEY"):
        insert = upsert(InstallationSetting).values(name=KEY_FINGERPRINT, value=mine)
        db.session.execute(insert.on_conflict_do_update(
            index_elements=[InstallationSetting.name], set_={"value": mine})
            if stored is not None else insert.on_conflict_do_nothing())
        db.session.commit()
        stored = db.session.get(InstallationSetting, KEY_FINGERPRINT)
    db.session.remove()
    if stored.value != mine:
        raise StartRefused(
            "Tajný klíč: tento server má jiný SECRET_KEY než zbytek instalace (přihlášení a "
            "podepsané odkazy by na ostatních serverech neplatily). Nastavte všem serverům "
            "stejný INTRANET_SECRET_KEY; po záměrné změně klíče na všech serverech spusťte "
            "jeden proces jednou s INTRANET_ACCEPT_NEW_SECRET_KEY=true.")


def fingerprint(secret_key: str) -> str:
    """A keyed hash that tells keys apart without revealing them."""
    return hmac.new(secret_key.encode(), b"intranet: which secret key", hashlib.sha256
                    ).hexdigest()[:40]
