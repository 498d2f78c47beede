"""Helpers shared by the candidate-side tests: a role, a walker over the pages, an SMTP sink."""

import re
import socketserver
import threading
from dataclasses import dataclass, field

from hiring.candidates import invites
from hiring.candidates.journey import candidate_questionnaire
from hiring.roles import services as roles

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SHOWN_RE = re.compile(r'name="shown"[^>]*value="([^"]+)"')


def make_role(db, title="Customer Service Representative", location="Leeds"):
    """Open a role on the shipped WETCO questionnaire."""
    return roles.create_role(db, title=title, location=location, actor="test")


def invite(db, role, name="Pat Example", email="pat@example.test", days=14):
    """Invite one candidate and return the Invite (with its token)."""
    return invites.invite_candidate(
        db, role_slug=role["slug"], name=name, email=email, days=days, actor="test"
    )


def questionnaire_of(db, candidate_id):
    """The questionnaire a candidate answers."""
    return candidate_questionnaire(db, db["candidates"].get(candidate_id))


def answers_for(questionnaire, value=lambda item_id, index: 1 + index % 4):
    """A full set of answers: ``value(item_id, position)`` for every item."""
    return {item_id: value(item_id, i) for i, item_id in enumerate(questionnaire.item_ids)}


class Walker:
    """Drive the candidate pages through a Flask test client, as a browser would."""

    def __init__(self, client, token):
        self.client = client
        self.token = token
        self.csrf = None

    def open(self):
        response = self.client.get(f"/a/{self.token}")
        return response

    def get(self, path):
        response = self.client.get(path)
        match = CSRF_RE.search(response.get_data(as_text=True))
        if match:
            self.csrf = match.group(1)
        return response

    def consent(self):
        self.get("/assessment/")
        return self.client.post("/assessment/", data={"csrf_token": self.csrf, "consent": "y"})

    def post_page(self, number, answers, button="next", shown=None):
        page = self.get(f"/assessment/page/{number}")
        stamp = shown or SHOWN_RE.search(page.get_data(as_text=True)).group(1)
        data = {"csrf_token": self.csrf, "shown": stamp, button: button.title()}
        data.update({f"a_{k}": str(v) for k, v in answers.items()})
        return self.client.post(f"/assessment/page/{number}", data=data)

    def answer_pages(self, questionnaire, answers, pages=None):
        for number, page in enumerate(questionnaire.pages, start=1):
            if pages is not None and number not in pages:
                continue
            chosen = {i: answers[i] for i in page.item_ids if i in answers}
            response = self.post_page(number, chosen)
            assert response.status_code == 302, response.get_data(as_text=True)[:500]

    def finish(self, self_id=None):
        self.get("/assessment/about-you")
        data = {"csrf_token": self.csrf}
        if self_id is None:
            data["skip"] = "Skip"
        else:
            data.update(self_id, send="Send")
        return self.client.post("/assessment/about-you", data=data)

    def complete(self, questionnaire, answers, self_id=None):
        assert self.open().status_code == 302
        assert self.consent().status_code == 302
        self.answer_pages(questionnaire, answers)
        return self.finish(self_id)


@dataclass
class SinkState:
    """What the SMTP sink received."""

    messages: list[dict] = field(default_factory=list)
    refuse: str = "refuse"
    busy: int = 0  # the next this many messages are answered "451 try again later"


class _SMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321 without extensions) for smtplib to deliver a message."""

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        state = self.server.state
        self.reply("220 sink ESMTP ready")
        envelope = {"from": None, "to": [], "data": ""}
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode().strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 sink")
            elif verb == "MAIL" and state.busy > 0:
                state.busy -= 1
                self.reply("451 4.3.0 Busy, try again later")
            elif verb == "MAIL":
                envelope = {"from": command[10:].strip("<> "), "to": [], "data": ""}
                self.reply("250 OK")
            elif verb == "RCPT":
                address = command[8:].strip("<> ")
                if state.refuse in address:
                    self.reply("550 No such mailbox")
                else:
                    envelope["to"].append(address)
                    self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (line := self.rfile.readline()) not in (b".\r\n", b""):
                    lines.append(line.decode()[1:] if line.startswith(b"..") else line.decode())
                envelope["data"] = "".join(lines)
                state.messages.append(envelope)
                self.reply("250 OK queued")
            elif verb == "RSET":
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Not implemented")


class SMTPSink:
    """A threaded SMTP server on 127.0.0.1 that keeps what it receives."""

    def __init__(self):
        self.state = SinkState()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
        self.server.daemon_threads = True
        self.server.state = self.state
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def messages(self):
        return self.state.messages

    def environment(self):
        """The same settings as environment variables, for a worker in another process."""
        return {f"HIRING_{k}": "0" if v is False else str(v) for k, v in self.config().items()}

    def config(self):
        """SMTP settings pointing at this sink."""
        return {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": self.port,
            "SMTP_STARTTLS": False,
            "SMTP_USER": "",
            "SMTP_PASSWORD": "",
            "SMTP_FROM": "jobs@example.test",
        }
