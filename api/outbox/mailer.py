"""Email delivery: SMTP through smtplib, or the log (MAIL_BACKEND=log, or development).

Payload of an "email" outbox message: `to`, `subject`, `text`, optional `html` and `headers`;
the worker adds `outbox_key`, which makes the Message-ID stable across attempts.

Without MAIL_SERVER, mail to the reserved example domains (RFC 2606/6761: example.com,
*.example, *.test, ...) is written to the log, which is what development needs; mail to a real
recipient is held (a failed attempt, retried) unless MAIL_BACKEND=log says that the log is the
intended destination: a worker started without the server's settings must never mark a real
subscriber's mail as sent.
"""

from __future__ import annotations

import logging
import smtplib
import threading
import time
from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from typing import Any
from urllib.parse import urlsplit

from api.core import clock

log = logging.getLogger(__name__)
dev_log = logging.getLogger("careleaf.dev_mail")
# Long URLs in List-Unsubscribe must stay plain text: the default 78-column policy would
# RFC 2047-encode them, and mail clients do not read URLs inside encoded words.
POLICY = SMTP.clone(max_line_length=998)
ONE_CLICK = "List-Unsubscribe=One-Click"
# Second-level domains reserved for documentation (RFC 2606) and top-level names that can
# never receive mail (RFC 2606, RFC 6761): the only recipients the dev mailer may log.
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example", "test", "invalid", "localhost")


class MailServerUnset(RuntimeError):
    """A real recipient's mail with neither MAIL_SERVER nor MAIL_BACKEND=log: kept for later."""


class PermanentFailure(Exception):
    """The message can never be delivered as it is: retrying is pointless."""


def is_reserved_address(address: str) -> bool:
    """True for addresses at the domains reserved for examples and tests (never real mail)."""
    domain = address.rpartition("@")[2].strip().rstrip(".>").lower()
    return (
        domain in RESERVED_DOMAINS
        or domain.endswith(tuple(f".{name}" for name in RESERVED_DOMAINS))
        or domain.rpartition(".")[2] in RESERVED_TLDS
    )


def has_real_recipient(payload: Mapping[str, Any]) -> bool:
    """True when some recipient of this email payload is not at a reserved domain."""
    recipients = [address for _, address in getaddresses([str(payload.get("to") or "")])]
    return any(not is_reserved_address(address) for address in recipients if address)


def message_id_domain(config: Mapping[str, Any]) -> str:
    """The domain of Message-IDs: the site's (SITE_URL) when set, else the sender's."""
    host = urlsplit(config.get("SITE_URL") or "").hostname
    if host:
        return host
    return str(config["MAIL_DEFAULT_SENDER"]).rpartition("@")[2].strip(" >") or "localhost"


def message_id(payload: Mapping[str, Any], config: Mapping[str, Any]) -> str:
    """The same Message-ID on every attempt at one outbox message (its `outbox_key`): should a
    crash ever make the worker send a message twice, the copies are recognisably one."""
    domain = message_id_domain(config)
    key = payload.get("outbox_key")
    return f"<{key}.careleaf@{domain}>" if key else make_msgid(domain=domain)


def build_message(payload: Mapping[str, Any], config: Mapping[str, Any]) -> EmailMessage:
    """The MIME message of an email payload: text, optional HTML alternative, extra headers.

    Every message has the Date and Message-ID RFC 5322 asks for (spam filters penalise mail
    without them); one with an https List-Unsubscribe also says it accepts the RFC 8058
    one-click POST.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Date"] = format_datetime(clock.now(), usegmt=True)
    headers = dict(payload.get("headers") or {})
    if "Message-ID" not in headers:
        message["Message-ID"] = message_id(payload, config)
    if "<https://" in headers.get("List-Unsubscribe", ""):
        headers.setdefault("List-Unsubscribe-Post", ONE_CLICK)
    for name, value in headers.items():
        message[name] = value
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    return message


def send_email(payload: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    """Deliver one email; raises PermanentFailure when the server refuses it for good.

    Returns as soon as the server has accepted the message (the reply to DATA): the caller
    records it at once, and the connection stays open for the next message (`hang_up`)."""
    message = build_message(payload, config)
    to_log = config.get("MAIL_BACKEND") == "log"
    if not to_log and not config.get("MAIL_SERVER"):
        if has_real_recipient(payload):
            raise MailServerUnset(
                "MAIL_SERVER is unset: mail to a real recipient is kept until the worker runs "
                "with the server's MAIL_* settings (or MAIL_BACKEND=log)"
            )
        to_log = True  # development: an example address
    if to_log:
        reason = "MAIL_BACKEND=log" if config.get("MAIL_BACKEND") == "log" else "no MAIL_SERVER"
        # Every header and word of every text part; the log redacts addresses and tokens.
        dev_log.info("%s; this mail was not sent:\n%s", reason, readable(message))
        return
    try:
        _send(config, message)
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _ in error.recipients.values()]
        if all(500 <= code < 600 for code in codes):
            raise PermanentFailure(f"recipient refused with {codes}") from None
        raise RuntimeError(f"recipient deferred with {codes}") from None
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
        if 500 <= error.smtp_code < 600:
            raise PermanentFailure(f"{type(error).__name__} {error.smtp_code}") from None
        raise


# One open SMTP connection per worker thread, reused from message to message: a new connection
# per message costs a TCP (and TLS) handshake, EHLO and AUTH each time.
_line = threading.local()
# A connection idle longer than this is probed (NOOP) before use: servers drop idle clients.
IDLE_PROBE_SECONDS = 5.0
_SERVER_SETTINGS = ("MAIL_SERVER", "MAIL_PORT", "MAIL_USE_SSL", "MAIL_USE_TLS", "MAIL_USERNAME")
# Refusals after which smtplib has already reset the transaction: the connection stays usable.
_TRANSACTION_REFUSALS = (
    smtplib.SMTPRecipientsRefused,
    smtplib.SMTPSenderRefused,
    smtplib.SMTPDataError,
)


def _send(config: Mapping[str, Any], message: EmailMessage) -> None:
    smtp = _connection(config)
    try:
        smtp.send_message(message)
    except _TRANSACTION_REFUSALS:
        _line.used_at = time.monotonic()
        raise
    except BaseException:
        # Drop the connection: a polite QUIT to a server that stopped answering would wait
        # out another MAIL_TIMEOUT (and hold a stopping worker past its deadline).
        _drop()
        raise
    _line.used_at = time.monotonic()


def _connection(config: Mapping[str, Any]) -> smtplib.SMTP:
    server = tuple(config.get(name) for name in _SERVER_SETTINGS)
    smtp: smtplib.SMTP | None = getattr(_line, "smtp", None)
    if smtp is not None and _line.server != server:
        hang_up()  # another app (tests) or changed settings: not this connection's server
        smtp = None
    if smtp is not None and time.monotonic() - _line.used_at > IDLE_PROBE_SECONDS:
        try:
            smtp.noop()
        except (OSError, smtplib.SMTPException):
            _drop()
            smtp = None
    if smtp is None:
        smtp = _connect(config)
        _line.smtp, _line.server, _line.used_at = smtp, server, time.monotonic()
    return smtp


def _connect(config: Mapping[str, Any]) -> smtplib.SMTP:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    if config.get("MAIL_USE_SSL"):
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout)
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    try:
        if config.get("MAIL_USE_TLS") and not config.get("MAIL_USE_SSL"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    except BaseException:
        smtp.close()
        raise
    return smtp


def _drop() -> None:
    smtp = getattr(_line, "smtp", None)
    _line.smtp = None
    if smtp is not None:
        smtp.close()


def hang_up() -> None:
    """Say goodbye on this thread's open connection, if any (the worker calls it when idle)."""
    smtp = getattr(_line, "smtp", None)
    if smtp is None:
        return
    try:
        smtp.quit()
    except OSError:  # smtplib's errors and socket timeouts alike: the mail was already accepted
        pass
    finally:
        _drop()


def readable(message: EmailMessage) -> str:
    """Every header, then each text part decoded (never base64 or quoted-printable)."""
    lines = [f"{name}: {value}" for name, value in message.items()]
    for part in message.walk():
        if part.get_content_maintype() == "text":
            lines += ["", f"--- {part.get_content_type()} ---", part.get_content().rstrip("\n")]
    return "\n".join(lines)
