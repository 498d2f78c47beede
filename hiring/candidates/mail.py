"""Build the e-mails to candidates and send them through the SMTP server in the settings.

The task queue sends them (:mod:`hiring.candidates.tasks`, with retries); ``hiring invite
--now`` sends at once with :func:`deliver_invites`.

Settings (``HIRING_SMTP_*``): host (empty = no e-mail; staff copy the links instead), port
(465 means implicit TLS), STARTTLS on or off, optional user and password, sender address.
"""

import smtplib
import ssl
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any

from hiring.candidates.invites import Invite
from hiring.candidates.links import NO_BASE_URL
from hiring.candidates.records import ACCOMMODATION_EMAIL
from hiring.store.plurals import plural

TIMEOUT_SECONDS = 15


def smtp_configured(config: Mapping) -> bool:
    """Tell whether invites go out by e-mail."""
    return bool(config.get("SMTP_HOST"))


def _sender_domain(sender: str) -> str:
    """Return the domain of the sender address, for the Message-ID (RFC 5322 section 3.6.4)."""
    domain = parseaddr(sender)[1].rpartition("@")[2].strip().lower()
    return domain or "localhost"


def _expiry_words(expires_at: str) -> str:
    """Say when a link expires as a reader would write it: "15 January 2030, 10:00 UTC"."""
    try:
        moment = datetime.fromisoformat(expires_at).astimezone(UTC)
    except ValueError:
        return expires_at[:10]
    return f"{moment.day} {moment:%B %Y, %H:%M} UTC"


def invite_message(
    config: Mapping, *, name: str, email: str, role_title: str, link: str, expires_at: str
) -> EmailMessage:
    """Build the plain-text invitation for one candidate, with every header mail servers expect.

    From, To, Subject, Date and a Message-ID on the sender's domain (RFC 5322), MIME-Version
    and a UTF-8 text/plain body (set by ``set_content``), and ``Auto-Submitted`` (RFC 3834) so
    that out-of-office robots do not answer it; people can still reply.
    """
    sender = config.get("SMTP_FROM") or "hiring@localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((name, email))
    message["Subject"] = f"Your assessment for the {role_title} role"
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = make_msgid(domain=_sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = "en"
    accommodation = config.get("ACCOMMODATION_CONTACT") or ACCOMMODATION_EMAIL
    message.set_content(
        f"Hello {name},\n\n"
        f"Thank you for applying for the {role_title} role. The next step is a short online "
        "assessment about how you like to work and how you would handle some everyday "
        "service situations. It works on a phone or a computer, and your answers are saved "
        "as you go, so you can stop and come back later with the same link.\n\n"
        f"Start here (this link is personal, please do not share it):\n{link}\n\n"
        f"The link works until {_expiry_words(expires_at)}.\n\n"
        f"{accommodation}\n\n"
        "Kind regards,\nThe hiring team\n\n"
        f"You received this e-mail because you applied for the {role_title} role. "
        "If you did not apply, you can ignore it: nothing happens unless the link is opened.\n"
    )
    return message


def reminder_message(
    config: Mapping, *, name: str, email: str, role_title: str, link: str, expires_at: str,
    opt_out_link: str,
) -> EmailMessage:  # fmt: skip
    """Build the reminder to a candidate who has not finished, with a new link and an opt-out."""
    message = invite_message(
        config, name=name, email=email, role_title=role_title, link=link, expires_at=expires_at
    )
    message.replace_header("Subject", f"Reminder: your assessment for the {role_title} role")
    message.set_content(
        f"Hello {name},\n\n"
        f"This is a reminder: your assessment for the {role_title} role is not finished yet. "
        "Answers you already gave are saved, and you carry on where you left off.\n\n"
        f"Here is your link (personal, please do not share it; it replaces the one we sent "
        f"before):\n{link}\n\n"
        f"The link works until {_expiry_words(expires_at)}.\n\n"
        f"{config.get('ACCOMMODATION_CONTACT') or ACCOMMODATION_EMAIL}\n\n"
        "If you would rather not get reminders, follow this link; your assessment link keeps "
        f"working:\n{opt_out_link}\n\n"
        "Kind regards,\nThe hiring team\n"
    )
    return message


def fresh_link_message(
    config: Mapping, *, name: str, email: str, role_title: str, link: str, hours: int,
    request_page: str,
) -> EmailMessage:  # fmt: skip
    """Build the e-mail that carries a fresh link a submitted candidate asked for."""
    message = EmailMessage()
    message["From"] = config.get("SMTP_FROM") or "hiring@localhost"
    message["To"] = formataddr((name, email))
    message["Subject"] = f"Your link to your assessment for {role_title}"
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain="frontline-fit")
    message.set_content(
        f"Hello {name},\n\n"
        f"You asked for a new link to your assessment for {role_title}. It shows what the "
        "assessment measured and what stood out in your answers, and lets you download a "
        "copy of your data, including your answers about yourself.\n\n"
        f"Your link (personal, please do not share it; it works for {plural(hours, 'hour')}):\n{link}\n\n"
        "Any earlier link no longer works. If you did not ask for this, you can ignore this "
        f"e-mail. You can ask for another link at any time here:\n{request_page}\n"
    )
    return message


def _connect(config: Mapping) -> smtplib.SMTP:
    host, port = config["SMTP_HOST"], int(config.get("SMTP_PORT") or 587)
    context = ssl.create_default_context()
    if port == 465:
        server: smtplib.SMTP = smtplib.SMTP_SSL(
            host, port, timeout=TIMEOUT_SECONDS, context=context
        )
    else:
        server = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        if config.get("SMTP_STARTTLS"):
            server.starttls(context=context)
    if config.get("SMTP_USER"):
        server.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
    return server


def send_one(config: Mapping, message: EmailMessage) -> None:
    """Send one message on a connection of its own; raise ``OSError`` or ``SMTPException``."""
    server = _connect(config)
    try:
        server.send_message(message)
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()


def send_messages(config: Mapping, messages: Sequence[EmailMessage]) -> list[str | None]:
    """Send each message over one connection; return per message None or what went wrong.

    A connection failure is reported against every message, so that staff see for each
    candidate that the link must be passed on by hand.
    """
    try:
        server = _connect(config)
    except (OSError, smtplib.SMTPException) as error:
        reason = f"the mail server could not be reached ({error.__class__.__name__}: {error})"
        return [reason] * len(messages)
    results: list[str | None] = []
    try:
        for message in messages:
            try:
                server.send_message(message)
                results.append(None)
            except (OSError, smtplib.SMTPException) as error:
                results.append(f"the mail server refused the message ({error})")
    finally:
        try:
            server.quit()
        except (OSError, smtplib.SMTPException):
            server.close()
    return results


@dataclass(frozen=True)
class Delivery:
    """How one invite reached (or did not reach) its candidate."""

    invite: Invite
    link: str
    emailed: bool
    problem: str | None = None
    queued: Any = None  # the e-mail's ``deliveries.MailDelivery`` when it went on the queue


def links_only(
    config: Mapping, invites: Sequence[Invite], base_url: str, *, may_email: bool
) -> list[Delivery] | None:
    """Return the links to show staff when none may be e-mailed; None when they may be."""
    if invites and smtp_configured(config) and may_email:
        return None
    problem = None if not smtp_configured(config) else NO_BASE_URL
    return [Delivery(i, i.link(base_url), emailed=False, problem=problem) for i in invites]


def invitation(config: Mapping, invite: Invite, link: str) -> EmailMessage:
    """Build the invitation e-mail of one invite."""
    return invite_message(
        config, name=invite.name, email=invite.email, role_title=invite.role_title, link=link,
        expires_at=invite.expires_at,
    )  # fmt: skip


def deliver_invites(
    config: Mapping, invites: Sequence[Invite], base_url: str, *, may_email: bool = True
) -> list[Delivery]:
    """E-mail each invite when SMTP is configured; otherwise hand the links back to show.

    ``may_email`` is False when ``base_url`` came from a request rather than from the
    settings: such links are shown to staff but never put in an e-mail.
    """
    unsent = links_only(config, invites, base_url, may_email=may_email)
    if unsent is not None:
        return unsent
    links = [invite.link(base_url) for invite in invites]
    messages = [invitation(config, i, link) for i, link in zip(invites, links, strict=True)]
    outcomes = send_messages(config, messages)
    return [
        Delivery(i, link, emailed=problem is None, problem=problem)
        for i, link, problem in zip(invites, links, outcomes, strict=True)
    ]
