"""Where delivered mail goes: an SMTP server, or a local Maildir when none is configured."""

import contextlib
import mailbox
import smtplib
import ssl
from email.message import EmailMessage


class MaildirTransport:
    """Writes every message into a Maildir that any mail client can open."""

    def __init__(self, path: str):
        self.maildir = mailbox.Maildir(path, create=True)

    def send(self, message: EmailMessage, recipient: str) -> None:
        self.maildir.add(message)

    def close(self) -> None:
        pass


class SMTPTransport:
    """Sends through the configured SMTP server, one connection per delivery batch."""

    def __init__(self, config):
        self.host = config["MAIL_SMTP_HOST"]
        self.port = int(config["MAIL_SMTP_PORT"])
        self.security = config["MAIL_SMTP_SECURITY"]
        self.user = config["MAIL_SMTP_USER"]
        self.password = config["MAIL_SMTP_PASSWORD"]
        self.timeout = config["MAIL_SMTP_TIMEOUT"]
        self.connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        context = ssl.create_default_context()
        if self.security == "ssl":
            smtp = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                smtp.starttls(context=context)
        if self.user:
            smtp.login(self.user, self.password or "")
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        if self.connection is None:
            self.connection = self._connect()
        try:
            self.connection.send_message(message, to_addrs=[recipient])
        except smtplib.SMTPServerDisconnected:
            self.connection = None
            raise

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(smtplib.SMTPException):
                self.connection.quit()
            self.connection = None


def transport_for(config):
    """The transport the configuration asks for."""
    if config.get("MAIL_SMTP_HOST"):
        return SMTPTransport(config)
    return MaildirTransport(config["MAIL_MAILDIR"])
