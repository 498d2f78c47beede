"""Invite e-mails go out through SMTP; failures are reported per candidate with the link."""

import email
import socket

from hiring.candidates.invites import Invite
from hiring.candidates.mail import deliver_invites, invite_message, send_messages, smtp_configured
from tests.candidate_support import SMTPSink


def make_invite(number=1, email_address=None):
    return Invite(
        candidate_id=number,
        name=f"Sam Sample {number}",
        email=email_address or f"sam{number}@example.test",
        role_id=1,
        role_slug="csr",
        role_title="Customer Service Representative",
        token=f"token-{number}",
        expires_at="2030-01-15T10:00:00+00:00",
    )


def test_smtp_is_off_without_a_host():
    assert not smtp_configured({"SMTP_HOST": ""})
    assert smtp_configured({"SMTP_HOST": "mail.example.test"})


def test_message_is_plain_text_with_link_role_and_expiry():
    message = invite_message(
        {"SMTP_FROM": "jobs@example.test"},
        name="Sam Sample",
        email="sam@example.test",
        role_title="Customer Service Representative",
        link="https://hire.example.test/a/abc",
        expires_at="2030-01-15T10:00:00+00:00",
    )
    assert message.get_content_type() == "text/plain"
    body = message.get_content()
    assert "https://hire.example.test/a/abc" in body
    assert "2030-01-15" in body
    assert "Customer Service Representative" in message["Subject"]
    assert message["To"] == "Sam Sample <sam@example.test>"
    assert "extra time" in body  # how to ask for an accommodation


def test_invites_are_delivered_to_a_loopback_smtp_server():
    with SMTPSink() as sink:
        deliveries = deliver_invites(sink.config(), [make_invite(1), make_invite(2)], "http://h/")
    assert [d.emailed for d in deliveries] == [True, True]
    assert [m["to"] for m in sink.messages] == [["sam1@example.test"], ["sam2@example.test"]]
    parsed = email.message_from_string(sink.messages[0]["data"])
    assert "http://h/a/token-1" in parsed.get_payload(decode=True).decode()
    assert sink.messages[0]["from"] == "jobs@example.test"


def test_a_refused_recipient_is_reported_and_the_others_still_sent():
    with SMTPSink() as sink:
        deliveries = deliver_invites(
            sink.config(),
            [make_invite(1), make_invite(2, "refuse@example.test"), make_invite(3)],
            "http://h",
        )
    assert [d.emailed for d in deliveries] == [True, False, True]
    assert "refused" in deliveries[1].problem
    assert deliveries[1].link == "http://h/a/token-2"
    assert len(sink.messages) == 2


def test_an_unreachable_server_is_reported_for_every_message():
    with socket.socket() as probe:  # a port that nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": port, "SMTP_STARTTLS": False}
    outcomes = send_messages(
        config,
        [
            invite_message(
                config,
                name="A",
                email="a@example.test",
                role_title="R",
                link="l",
                expires_at="2030",
            )
        ]
        * 2,
    )
    assert len(outcomes) == 2
    assert all(o and "could not be reached" in o for o in outcomes)


def test_without_smtp_links_are_handed_back_to_show():
    deliveries = deliver_invites({"SMTP_HOST": ""}, [make_invite(7)], "https://x.example/")
    assert deliveries[0].emailed is False and deliveries[0].problem is None
    assert deliveries[0].link == "https://x.example/a/token-7"
