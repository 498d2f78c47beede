"""Study invitations and reminders, sent with the candidates' mail code (``hiring.candidates.mail``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from hiring.candidates.links import NO_BASE_URL
from hiring.candidates.mail import _expiry_words, _sender_domain, send_messages, smtp_configured
from hiring.team.studies import StudyInvite


@dataclass(frozen=True)
class StudyDelivery:
    """How one study link reached (or did not reach) its employee."""

    invite: StudyInvite
    link: str
    emailed: bool
    problem: str | None = None


def study_message(
    config: Mapping, invite: StudyInvite, link: str, *, reminder: bool
) -> EmailMessage:
    """Build the plain-text invitation (or reminder) of one employee, saying what it is for."""
    sender = config.get("SMTP_FROM") or "hiring@localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((invite.name, invite.email))
    subject = f"Team study: how we work as {invite.role_title}s"
    message["Subject"] = ("Reminder: " if reminder else "") + subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=_sender_domain(sender))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(
        f"Hello {invite.name},\n\n"
        + ("This is a reminder: your answers are not in yet.\n\n" if reminder else "")
        + f"We are asking the people who already work as {invite.role_title} to take the same "
        "short questionnaire our applicants take. It is not a hiring decision and not a "
        "performance review: it helps us learn what success looks like in the role, and gives "
        "you and your manager a development plan of your own.\n\n"
        f"Start here (this link is personal, please do not share it):\n{link}\n\n"
        f"The link works until {_expiry_words(invite.expires_at)}. The first page says what is "
        "collected and who sees it.\n\nKind regards,\nThe people team\n"
    )
    return message


def deliver(
    config: Mapping, invites: Sequence[StudyInvite], base_url: str, *, may_email: bool,
    reminder: bool = False,
) -> list[StudyDelivery]:  # fmt: skip
    """E-mail each link when SMTP and a public address are set; otherwise hand the links back."""
    links = [invite.link(base_url) for invite in invites]
    pairs = list(zip(invites, links, strict=True))
    if not invites or not smtp_configured(config):
        return [StudyDelivery(i, link, emailed=False) for i, link in pairs]
    if not may_email:
        return [StudyDelivery(i, link, False, NO_BASE_URL) for i, link in pairs]
    messages = [study_message(config, i, link, reminder=reminder) for i, link in pairs]
    outcomes = send_messages(config, messages)
    return [
        StudyDelivery(i, link, emailed=problem is None, problem=problem)
        for (i, link), problem in zip(pairs, outcomes, strict=True)
    ]
