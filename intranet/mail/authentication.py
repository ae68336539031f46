"""Whether an incoming message really comes from the address in its From: the verdict of the
territory's own mail server, never the message's word for it.

The mail server in front of the receiver (Postfix with OpenDKIM/OpenDMARC, or rspamd) checks
DKIM and DMARC and stamps its verdict on top of the message as an Authentication-Results
header (RFC 8601) naming itself (its authserv-id). Only the topmost such header counts, and
only when it names the host configured in MAIL_TRUSTED_AUTHSERV_ID: anyone can write a header
of that name into a message, but only our server writes above everything the sender wrote.

A sender is verified by DMARC pass for the From's domain, or, where the domain publishes no
DMARC policy, by a passing DKIM signature of a domain aligned with it (the same
organisation: one domain is the other or its subdomain). The stamp is read as the server
wrote it, never decoded (RFC 2047 words in the parts the sender controls, such as the
envelope sender, must not turn into results), and one that reports DMARC twice is no proof.
"""

from dataclasses import dataclass
from email.message import EmailMessage

import authres
from flask import current_app

HEADER = "Authentication-Results"


@dataclass(frozen=True)
class Verdict:
    """What the trusted server said of the sender: verified or not, and in its own terms for
    the moderator (e.g. "mail.obec.cz: dmarc=fail, dkim=none"; empty when it said nothing)."""

    verified: bool
    detail: str


def verdict(message: EmailMessage, sender_domain: str) -> Verdict | None:
    """The trusted server's verdict on the message's From domain; None when no server is
    configured (MAIL_TRUSTED_AUTHSERV_ID)."""
    trusted = (current_app.config.get("MAIL_TRUSTED_AUTHSERV_ID") or "").strip().lower()
    if not trusted:
        return None
    stamp = next((value for name, value in message.raw_items() if name.lower() == HEADER.lower()),
                 None)
    if stamp is None:
        return Verdict(False, "")
    try:
        header = authres.AuthenticationResultsHeader.parse_value(_unfolded(stamp))
    except Exception:  # noqa: BLE001 - authres raises its own and builtin errors on garbage
        return Verdict(False, f"{HEADER}: ?")
    if str(header.authserv_id).lower() != trusted:
        return Verdict(False, f"{HEADER}: {header.authserv_id}"[:300])
    results = [(r.method.lower(), str(r.result).lower(), _domain_of(r)) for r in header.results]
    detail = f"{trusted}: " + ", ".join(f"{m}={r}" for m, r, _ in results)
    return Verdict(_vouches(results, sender_domain.lower()), detail)


def _vouches(results: list[tuple[str, str, str]], sender_domain: str) -> bool:
    """DMARC pass for the sender's domain; where there is no DMARC verdict (none: the domain
    publishes no policy), a passing DKIM signature of an aligned domain."""
    dmarc = [(outcome, domain) for method, outcome, domain in results if method == "dmarc"]
    if len(dmarc) > 1:
        return False
    if dmarc and dmarc[0][0] != "none":
        return dmarc[0] == ("pass", sender_domain)
    return any(method == "dkim" and outcome == "pass" and aligned(domain, sender_domain)
               for method, outcome, domain in results)


def aligned(signer: str, sender: str) -> bool:
    """Relaxed alignment: the same domain, or one a subdomain of the other (not a bare
    top-level domain)."""
    if "." not in signer or "." not in sender:
        return False
    return signer == sender or sender.endswith("." + signer) or signer.endswith("." + sender)


def _domain_of(result) -> str:
    """The domain a result is about: DMARC's header.from, DKIM's header.d."""
    wanted = {"dmarc": "header.from", "dkim": "header.d"}.get(result.method.lower())
    values = [str(p.value) for p in result.properties if f"{p.type}.{p.name}".lower() == wanted]
    return values[0].strip().lower() if len(values) == 1 else ""


def _unfolded(value: str) -> str:
    return " ".join(value.split())
