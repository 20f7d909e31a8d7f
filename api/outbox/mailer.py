"""Email delivery: SMTP through smtplib when MAIL_SERVER is set, the log otherwise (dev).

Payload of an "email" outbox message: `to`, `subject`, `text`, optional `html` and `headers`.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Mapping
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import make_msgid
from typing import Any

log = logging.getLogger(__name__)
dev_log = logging.getLogger("careleaf.dev_mail")
# Long URLs in List-Unsubscribe must stay plain text: the default 78-column policy would
# RFC 2047-encode them, and mail clients do not read URLs inside encoded words.
POLICY = SMTP.clone(max_line_length=998)


class PermanentFailure(Exception):
    """The message can never be delivered as it is: retrying is pointless."""


def build_message(payload: Mapping[str, Any], sender: str) -> EmailMessage:
    """The MIME message of an email payload: text, optional HTML alternative, extra headers."""
    message = EmailMessage(policy=POLICY)
    message["From"] = sender
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].strip(">") or None)
    for name, value in (payload.get("headers") or {}).items():
        message[name] = value
    message.set_content(payload["text"])
    if payload.get("html"):
        message.add_alternative(payload["html"], subtype="html")
    return message


def send_email(payload: Mapping[str, Any], config: Mapping[str, Any]) -> None:
    """Deliver one email; raises PermanentFailure when the server refuses it for good."""
    message = build_message(payload, config["MAIL_DEFAULT_SENDER"])
    if not config.get("MAIL_SERVER"):
        # Shows the mail; addresses and link tokens are redacted like in every log record.
        dev_log.info("MAIL_SERVER is unset; this mail was not sent:\n%s", message.as_string())
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


def _send(config: Mapping[str, Any], message: EmailMessage) -> None:
    smtp = _connect(config)
    try:
        smtp.send_message(message)
    except BaseException:
        # Drop the connection: a polite QUIT to a server that stopped answering would wait
        # out another MAIL_TIMEOUT (and hold a stopping worker past its deadline).
        smtp.close()
        raise
    try:
        smtp.quit()
    except OSError:  # smtplib's errors and socket timeouts alike
        smtp.close()  # the mail was accepted; a failed goodbye does not undo that


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
