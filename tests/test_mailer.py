"""Invite e-mails go out through SMTP; failures are reported per candidate with the link."""

import email
import email.policy
import re
import socket
from datetime import UTC, datetime

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
    assert "15 January 2030" in body
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


def received(sink):
    """Parse what the SMTP server received, as a mail client would."""
    return [
        email.message_from_string(m["data"].replace("\r\n", "\n"), policy=email.policy.default)
        for m in sink.messages
    ]


def test_invitation_has_every_header_a_receiving_server_expects():
    invite = Invite(
        candidate_id=5, name="José Núñez", email="jose@example.test", role_id=1,
        role_slug="csr", role_title="Agente de atención", token="tok-5",
        expires_at="2030-01-15T10:00:00+00:00",
    )  # fmt: skip
    with SMTPSink() as sink:
        sent_at = datetime.now(UTC)
        assert deliver_invites(sink.config(), [invite], "https://hire.example.test/")[0].emailed
    (message,) = received(sink)
    for header in ("From", "To", "Subject", "Date", "Message-ID", "MIME-Version", "Content-Type"):
        assert len(message.get_all(header) or []) == 1, header
    assert message["From"] == "jobs@example.test"
    assert message["To"].addresses[0].display_name == "José Núñez"
    assert message["To"].addresses[0].addr_spec == "jose@example.test"
    assert message["Subject"] == "Your assessment for the Agente de atención role"
    assert abs((message["Date"].datetime - sent_at).total_seconds()) < 60
    assert re.fullmatch(r"<[^<>@\s]+@example\.test>", message["Message-ID"])
    assert message["MIME-Version"] == "1.0"
    assert message.get_content_type() == "text/plain"
    assert message.get_content_charset() == "utf-8"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "Hello José Núñez," in body
    assert "https://hire.example.test/a/tok-5" in body.splitlines()
    assert "until 15 January 2030, 10:00 UTC" in body


def test_each_invitation_gets_its_own_message_id():
    with SMTPSink() as sink:
        deliver_invites(sink.config(), [make_invite(1), make_invite(2)], "http://h/")
    ids = [m["Message-ID"] for m in received(sink)]
    assert len(set(ids)) == 2


def test_the_invitation_reads_right_inside_the_email_itself():
    with SMTPSink() as sink:
        deliver_invites(sink.config(), [make_invite(1)], "http://h/")
    body = received(sink)[0].get_content()
    assert "reply to this e-mail" in body
    assert "invitation e-mail" not in body  # the reader is holding it
    assert body.rstrip().endswith("nothing happens unless the link is opened.")
    assert "Kind regards,\nThe hiring team" in body


def test_a_configured_accommodation_contact_is_used_as_written():
    with SMTPSink() as sink:
        config = {**sink.config(), "ACCOMMODATION_CONTACT": "Call Dana on 0113 496 0000."}
        deliver_invites(config, [make_invite(1)], "http://h/")
    body = received(sink)[0].get_content()
    assert "Call Dana on 0113 496 0000." in body
    assert "reply to this e-mail" not in body


def test_hiring_invite_emails_through_a_real_smtp_server(run, tmp_path, monkeypatch):
    with SMTPSink() as sink:
        for key, value in sink.config().items():
            monkeypatch.setenv(f"HIRING_{key}", str(value) if value is not False else "0")
        assert run("roles", "add", "Phone agent").exit_code == 0
        people = tmp_path / "people.csv"
        people.write_text("name,email\nSam Sample,sam@example.test\n", encoding="utf-8")
        result = run(
            "invite", str(people), "--role", "phone-agent", "--base-url", "https://x.test", "--now"
        )
    assert result.exit_code == 0, result.output
    assert "\te-mailed" in result.output
    (message,) = received(sink)
    assert message["Date"] and message["Message-ID"]
    assert "Your assessment for the Phone agent role" == message["Subject"]
    assert "https://x.test/a/" in message.get_content()
