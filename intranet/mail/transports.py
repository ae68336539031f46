"""Where delivered mail goes: an SMTP server, or a local Maildir when none is configured.

A transport raises TransportUnavailable when it cannot send anything right now (the server
is down or closing, 421: nobody's message is at fault), PermanentFailure when the server
refuses a message for good (5xx), and TemporaryFailure (or any other exception) for a
temporary problem with one message.
"""

import contextlib
import io
import mailbox
import smtplib
import ssl
from email import message_from_bytes, policy
from email.generator import BytesGenerator

SERVICE_CLOSING = 421  # the server ends the session: nobody's message is at fault


class TransportUnavailable(Exception):
    """The mail server cannot be reached; try the whole batch again later."""


class ConnectionLost(TransportUnavailable):
    """The connection broke while a message was being sent (dropped, or the sender refused):
    the rest of the batch waits, that one message counts an attempt (it may be the cause)."""


class PermanentFailure(Exception):
    """The server refused this message for good (e.g. unknown recipient)."""


class TemporaryFailure(Exception):
    """The server refused this message for now (4xx): try it again later."""


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


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

    def send(self, data: bytes, sender: str, recipient: str) -> None:
        if self.maildir is None:
            self.open()
        self.maildir.add(data.replace(b"\r\n", b"\n"))

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

    def send(self, data: bytes, sender: str, recipient: str) -> None:
        """Send one message over the open connection (opened on first use): 8-bit text with
        BODY=8BITMIME where the server offers it (RFC 6152), else re-encoded as 7-bit."""
        if self.connection is None:
            self.open()
        try:
            data, options = self._eight_bit(data)
            self.connection.sendmail(sender, [recipient], data, mail_options=options)
        except smtplib.SMTPSenderRefused as error:  # e.g. not allowed to send as the list
            self._drop()
            reply = f"{error.smtp_code} {_text(error.smtp_error)}"
            if error.smtp_code == SERVICE_CLOSING:
                raise TransportUnavailable(reply) from error
            raise ConnectionLost(reply) from error
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            self._refused(code, f"{code} {reply.decode(errors='replace')}")
        except smtplib.SMTPResponseException as error:
            self._refused(error.smtp_code,
                          f"{error.smtp_code} {_text(error.smtp_error)}")
        except (OSError, smtplib.SMTPServerDisconnected) as error:
            self._drop()
            raise ConnectionLost(str(error) or error.__class__.__name__) from error

    def _eight_bit(self, data: bytes) -> tuple[bytes, list[str]]:
        """8-bit text with BODY=8BITMIME where the server offers it, else re-encoded."""
        if data.isascii():
            return data, []
        self.connection.ehlo_or_helo_if_needed()
        if self.connection.has_extn("8bitmime"):
            return data, ["BODY=8BITMIME"]
        return seven_bit(data), []

    def _refused(self, code: int, reply: str):
        """5xx: refused for good; 421: the server is going away (no message's fault: no
        attempt is counted); other 4xx: try again later."""
        if code == SERVICE_CLOSING:
            self._drop()
            raise TransportUnavailable(reply)
        if code >= 500:
            raise PermanentFailure(reply)
        with contextlib.suppress(OSError, smtplib.SMTPException):
            self.connection.rset()  # a clean state for the next message
        raise TemporaryFailure(reply)

    def _drop(self) -> None:
        """Forget a connection in an unknown state: never reuse it."""
        if self.connection is not None:
            with contextlib.suppress(OSError):
                self.connection.close()
        self.connection = None

    def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.connection.quit()
            self.connection = None


def seven_bit(data: bytes) -> bytes:
    """A message with 8-bit parts re-encoded (base64) for a server without 8BITMIME."""
    out = io.BytesIO()
    BytesGenerator(out, policy=policy.SMTP.clone(cte_type="7bit")).flatten(
        message_from_bytes(data, policy=policy.SMTP))
    return out.getvalue()


def transports_for(config) -> list:
    """The transports the configuration asks for: MAIL_SMTP_CONNECTIONS connections to the
    SMTP server, or one Maildir."""
    if config.get("MAIL_SMTP_HOST"):
        return [SMTPTransport(config) for _ in range(max(1, config["MAIL_SMTP_CONNECTIONS"]))]
    return [MaildirTransport(config["MAIL_MAILDIR"])]
