"""Attachments (issue #8): type checked by content, size limited, stored once by hash, read
only by those who may read the minutes."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from intranet import files as intranet_files
from intranet.extensions import db
from intranet.minutes import attachments, services
from intranet.minutes.models import Attachment
from intranet.policy import Role

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082")


@pytest.fixture
def app_overrides(tmp_path):
    return {"MAX_ATTACHMENT_BYTES": 5_000, "ATTACHMENT_DIR": str(tmp_path / "files")}


@pytest.fixture
def team(create_member, create_group, create_meeting):
    secretary = create_member(Role.SECRETARY)
    coordinator = create_member()
    member = create_member()
    group = create_group(members=[member], coordinators=[coordinator])
    meeting = create_meeting(group, starts_in=-timedelta(hours=2))
    return {"secretary": secretary, "coordinator": coordinator, "member": member,
            "meeting": meeting}


def upload(client, meeting, content, name):
    return client.submit(f"/meetings/{meeting.id}/attachments",
                         {"file": (io.BytesIO(content), name)},
                         content_type="multipart/form-data")


def stored_records(meeting) -> list[Attachment]:
    return db.session.scalars(sa.select(Attachment).where(Attachment.meeting_id == meeting.id)
                              .order_by(Attachment.id)).all()


def test_a_pdf_is_stored_once_by_its_hash_and_listed(client, team, app):
    client.login(team["secretary"])
    assert upload(client, team["meeting"], PDF, "Prezentace – dluhy.pdf").status_code == 302
    assert upload(client, team["meeting"], PDF, "kopie.pdf").status_code == 302
    assert [f.filename for f in attachments.of_meeting(team["meeting"].id)] == [
        "Prezentace – dluhy.pdf", "kopie.pdf"]
    files = stored_records(team["meeting"])
    assert files[0].sha256 == files[1].sha256 and files[0].mimetype == "application/pdf"
    stored = list(Path(app.config["ATTACHMENT_DIR"]).rglob("*"))
    assert [p for p in stored if p.is_file()] == [intranet_files.path_of(files[0].sha256)]
    page = client.get(f"/meetings/{team['meeting'].id}").get_data(as_text=True)
    assert "Prezentace – dluhy.pdf" in page


def test_the_type_comes_from_the_content_not_the_name(client, team):
    client.login(team["secretary"])
    disguised = upload(client, team["meeting"], b"MZ\x90\x00" + b"\x00" * 100, "zapis.pdf")
    assert disguised.status_code == 400
    assert "Tento druh souboru nelze přiložit" in disguised.get_data(as_text=True)
    text = upload(client, team["meeting"], b"<script>alert(1)</script>", "obrazek.png")
    assert text.status_code == 400
    image = upload(client, team["meeting"], PNG, "flipchart.pdf")  # a PNG, whatever its name
    assert image.status_code == 302
    assert attachments.of_meeting(team["meeting"].id)[0].filename == "flipchart.png"


def test_a_file_over_the_limit_is_refused_naming_the_limit(client, team):
    client.login(team["secretary"])
    response = upload(client, team["meeting"], PDF + b"0" * 6_000, "velka.pdf")
    assert response.status_code == 400
    assert "Soubor je větší než 5 kB" in response.get_data(as_text=True)
    huge = upload(client, team["meeting"], PDF + b"0" * 2_000_000, "obrovska.pdf")
    assert huge.status_code == 413 and "Soubor je příliš velký" in huge.get_data(as_text=True)
    assert attachments.of_meeting(team["meeting"].id) == []


def test_no_file_is_a_message_at_the_field(client, team):
    client.login(team["secretary"])
    response = client.submit(f"/meetings/{team['meeting'].id}/attachments", {})
    assert response.status_code == 400 and "Vyberte soubor." in response.get_data(as_text=True)


def test_files_are_read_with_the_minutes(client, team):
    client.login(team["secretary"])
    upload(client, team["meeting"], PDF, "prezentace.pdf")
    file_id = attachments.of_meeting(team["meeting"].id)[0].id
    response = client.get(f"/attachments/{file_id}")
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "no-store" in response.headers["Cache-Control"]
    client.login(team["member"])  # no published minutes yet
    assert client.get(f"/attachments/{file_id}").status_code == 403
    minutes = services.start(team["meeting"], team["secretary"])
    services.submit(minutes)
    services.approve(minutes, team["coordinator"])
    services.publish(minutes, team["secretary"])
    assert client.get(f"/attachments/{file_id}").status_code == 200
    assert client.submit(f"/attachments/{file_id}/remove", {"confirmed": "1"}).status_code == 403


def test_removing_the_last_copy_deletes_the_file(client, team):
    client.login(team["secretary"])
    upload(client, team["meeting"], PDF, "a.pdf")
    item = stored_records(team["meeting"])[0]
    path, item_id = intranet_files.path_of(item.sha256), item.id
    assert client.submit(f"/attachments/{item_id}/remove", {"confirmed": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Attachment, item_id) is None and not path.exists()


def test_clean_names():
    assert intranet_files.clean_name("C:\\Users\\x\\Zápis č. 4.docx", "pdf") == "Zápis č. 4.pdf"
    assert intranet_files.clean_name("../../etc/passwd", "png") == "passwd.png"
    assert intranet_files.clean_name("\x00\n", "pdf") == "priloha.pdf"


def test_size_text():
    from intranet.text import size_text

    assert [size_text(n) for n in (20_000_000, 1_500_000, 5_000, 10)] == [
        "20 MB", "1,5 MB", "5 kB", "1 kB"]
