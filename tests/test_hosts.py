"""Several app servers and deliverers on one PostgreSQL (issue #26): two gunicorn servers on
two ports with the same secret key and shared attachments' storage, and two deliverers.
A member logs in on one server and goes on on the other; a file uploaded through one
downloads through the other; a list message to 2,000 members is delivered once each by the
two deliverers together, through a real SMTP server."""

import json
import re
import subprocess
import sys
import uuid
from collections import Counter
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request

import pytest
import sqlalchemy as sa

from intranet import create_app
from intranet.accounts.models import Member
from intranet.accounts.passwords import hash_password
from intranet.extensions import db
from intranet.mailing.models import ListAttachment, ListKind, MailingList
from intranet.organisations.models import Municipality, Organisation, OrganisationKind

from .conftest import CHEAP_ARGON2, PASSWORD, app_config
from .http_browser import Browser, host_env, start_gunicorn
from .test_visits_race import add_members, member_email

ROOT = Path(__file__).parent.parent
MEMBERS = 2000
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    """A form with files as a browser sends it (multipart/form-data): body, content type."""
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
             f"{value}\r\n".encode() for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
              f'filename="{filename}"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
              + content + b"\r\n" for name, (filename, content) in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def installation(database_url, tmp_path):
    """2,000 members on one PostgreSQL, and two gunicorn servers serving it."""
    app = create_app(app_config(database_url, tmp_path, PASSWORD_HASH=CHEAP_ARGON2))
    with app.app_context():
        town = Municipality(name="Lipová", orp="ORP Lipová")
        organisations = [Organisation(name=f"Organizace {n}", kind=OrganisationKind.NGO,
                                      municipality=town) for n in range(1, 6)]
        db.session.add_all(organisations)
        db.session.commit()
        add_members(organisations, MEMBERS, hash_password(PASSWORD))
        db.session.commit()
        db.session.remove()
    env = host_env(database_url, tmp_path, INTRANET_PASSWORD_HASH=json.dumps(CHEAP_ARGON2),
                   INTRANET_PUBLIC_URL="http://127.0.0.1", WEB_CONCURRENCY="2")
    servers, bases = [], []
    try:
        for _ in range(2):
            server, base = start_gunicorn(env, tmp_path)
            servers.append(server)
            bases.append(base)
        yield {"app": app, "bases": bases, "url": database_url, "folder": tmp_path}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=15)
        with app.app_context():
            db.engine.dispose()


@pytest.mark.postgresql_only
def test_two_servers_and_two_deliverers_share_one_installation(installation, smtp_server):
    first, second = installation["bases"]
    member = Browser(first)
    member.log_in(member_email(1), PASSWORD)
    member.base = second  # the load balancer sends the next request to the other server
    assert "Odhlásit" in member.step("dashboard on the other server", "/")

    with installation["app"].app_context():
        territory = db.session.scalar(sa.select(MailingList.id).filter_by(
            kind=ListKind.TERRITORY))
    token = member.token("new post", f"/lists/{territory}/new")
    body, content_type = multipart(
        {"csrf_token": token, "subject": "Program setkání", "text": "Program v příloze."},
        {"files": ("program.pdf", PDF)})
    member.base = first
    request = Request(f"{first}/lists/{territory}/new", data=body,
                      headers={"Content-Type": content_type})
    with pytest.raises(HTTPError) as posted:  # redirects are not followed: a 302 is raised
        member.opener.open(request, timeout=60)
    assert posted.value.code == 302  # taken: to the thread
    with installation["app"].app_context():
        attachment_id = db.session.scalar(sa.select(ListAttachment.id).filter_by(
            filename="program.pdf"))
    assert attachment_id is not None, "the post with its file was not taken"
    member.base = second
    with member.opener.open(f"{second}/lists/attachments/{attachment_id}") as download:
        assert download.read() == PDF  # uploaded through one server, downloaded through the other

    env = host_env(installation["url"], installation["folder"],
                   INTRANET_PASSWORD_HASH=json.dumps(CHEAP_ARGON2),
                   INTRANET_MAIL_SMTP_HOST="127.0.0.1",
                   INTRANET_MAIL_SMTP_PORT=str(smtp_server.port),
                   INTRANET_MAIL_BATCH_SIZE="50")
    deliverers = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "mail",
                                    "deliver"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE,
                                   text=True) for _ in range(2)]
    outputs = [deliverer.communicate(timeout=600) for deliverer in deliverers]
    assert all(deliverer.returncode == 0 for deliverer in deliverers), outputs
    sent = [int(re.search(r"odesláno: (\d+)", out).group(1)) for out, _ in outputs]
    assert all(count > 0 for count in sent), sent  # both worked
    copies = Counter(rcpt for envelope in smtp_server.recorder.envelopes
                     for rcpt in envelope.rcpt_tos)
    with installation["app"].app_context():
        everyone = set(db.session.scalars(sa.select(Member.email).where(
            Member.deactivated_at.is_(None))))
    assert len(everyone) == MEMBERS
    assert copies == Counter(dict.fromkeys(everyone, 1))  # each once, nobody missed
    assert sum(sent) == len(everyone)
