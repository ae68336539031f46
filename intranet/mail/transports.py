"""Where delivered mail goes: an SMTP server, or a local Maildir when none is configured.

A transport raises TransportUnavailable when it cannot send anything right now (the server
is down: nobody's message is at fault), PermanentFailure when the server refuses a message
for good (5xx), and any other exception for a temporary problem with one message.
"""

import contextlib
import mailbox
import smtplib
import ssl
from email.message import EmailMessage


class TransportUnavailable(Exception):
    """The mail server cannot be reached; try the whole batch again later."""


class PermanentFailure(Exception):
    """The server refused this message for good (e.g. unknown recipient)."""


class MaildirTransport:
    """Writes every message into a Maildir that any mail client can open."""

    def __init__(self, path: str):
        self.path = path
        self.maildir = None

    def open(self) -> None:
        try:
            self.maildir = mailbox.Maildir(self.path, create=True)
        except OSError as error:
            raise TransportUnavailable(str(error)) from error

    def send(self, message: EmailMessage, recipient: str) -> None:
        self.maildir.add(message)

    def close(self) -> None:
        self.maildir = None


class SMTPTransport:
    """Sends through the configured SMTP server, one connection per delivery batch."""

    def __init__(self, config):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        try:
            self.connection = self._connect()
        except (OSError, smtplib.SMTPException) as error:
            raise TransportUnavailable(str(error) or error.__class__.__name__) from error

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        host, port, timeout = c["MAIL_SMTP_HOST"], int(c["MAIL_SMTP_PORT"]), c["MAIL_SMTP_TIMEOUT"]
        context = ssl.create_default_context()
        if c["MAIL_SMTP_SECURITY"] == "ssl":
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
            if c["MAIL_SMTP_SECURITY"] == "starttls":
                smtp.starttls(context=context)
        if c["MAIL_SMTP_USER"]:
            smtp.login(c["MAIL_SMTP_USER"], c["MAIL_SMTP_PASSWORD"] or "")
        return smtp

    def send(self, message: EmailMessage, recipient: str) -> None:
        if self.connection is None:
            self.open()
        try:
            self.connection.send_message(message, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0]
            raise (PermanentFailure if code >= 500 else RuntimeError)(str(error)) from error
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                raise PermanentFailure(str(error)) from error
            raise
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            self.connection = None  # its state is unknown: never reuse it
            raise TransportUnavailable(str(error) or error.__class__.__name__) from error

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()
            self.connection = None


def transport_for(config):
    """The transport the configuration asks for."""
    if config.get("MAIL_SMTP_HOST"):
        return SMTPTransport(config)
    return MaildirTransport(config["MAIL_MAILDIR"])
