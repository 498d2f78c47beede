"""Staff pages to invite candidates (one by form, many by CSV) and show the links to copy.

Invitation e-mails go on the task queue; the page that shows the links says each e-mail's
state, and ``/invite/mail/BATCH`` follows them until they are sent or have failed.
"""

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request, url_for

from hiring.candidates import deliveries, invites, tasks
from hiring.candidates.links import LinkBase, link_base
from hiring.candidates.mail import smtp_configured
from hiring.candidates.records import CandidateError
from hiring.roles import services as roles
from hiring.store.plurals import plural
from hiring.store.text_input import MAX_FILE_BYTES, InputFileError, decode_text
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.invite import InviteForm, ReissueForm, UploadForm

bp = Blueprint("invite", __name__, url_prefix="/invite")
STAFF = ("admin", "recruiter")


def _role_choices(blank: str | None = None) -> list[tuple[str, str]]:
    choices = [("", blank)] if blank else []
    for role in roles.list_roles(db()):
        where = f" · {role['location']}" if role["location"] else ""
        choices.append((role["slug"], f"{role['title']}{where}"))
    return choices


def _sentences(problem: str | None) -> list[str]:
    return [problem[0].upper() + problem[1:] + "."] if problem else []


def _link_base() -> LinkBase:
    """Where this request's links may start (never an untrusted Host header)."""
    return link_base(current_app.config, request.host_url, request.host)


def _sent(batch: invites.InviteBatch, title: str, back: str | None = None):
    base = _link_base()
    mail_batch, made = tasks.queue_invites(
        db(), current_app.config, batch.invited, base.url or "", may_email=base.configured
    )
    return render_template(
        "invite/sent.html",
        title=title,
        deliveries=made,
        mail_batch=mail_batch if any(d.queued for d in made) else None,
        problems=batch.problems,
        smtp=smtp_configured(current_app.config),
        days=current_app.config["INVITE_DAYS"],
        back=back,
    )


@bp.route("/", methods=["GET", "POST"])
@roles_required(*STAFF)
def one():
    """Invite one candidate."""
    form = InviteForm(role=request.args.get("role", ""))
    form.role.choices = _role_choices("Choose a role")
    if request.method == "POST" and form.validate():
        name, email = " ".join(form.name.data.split()), form.email.data.strip()
        form.name.errors = _sentences(invites.name_problem(name))
        form.email.errors = _sentences(invites.email_problem(email))
        form.role.errors = [_link_base().problem] if _link_base().url is None else []
        if not form.name.errors and not form.email.errors and not form.role.errors:
            try:
                invite = invites.invite_candidate(
                    db(),
                    role_slug=form.role.data,
                    name=name,
                    email=email,
                    days=current_app.config["INVITE_DAYS"],
                    actor=g.user.username,
                    invited_by=g.user.id,
                )
            except CandidateError as error:
                form.role.errors = [error.message]
            else:
                return _sent(invites.InviteBatch(invited=[invite]), "Candidate invited")
    return render_template(
        "invite/one.html", form=form, smtp=smtp_configured(current_app.config), base=_link_base()
    )


@bp.route("/upload", methods=["GET", "POST"])
@roles_required(*STAFF)
def upload():
    """Invite every candidate in a CSV file; bad rows are listed, good rows still invited."""
    form = UploadForm(role=request.args.get("role", ""))
    form.role.choices = _role_choices("Use the role column of the file")
    if request.method == "POST" and form.validate() and _link_base().url is None:
        form.file.errors = [_link_base().problem]
    elif request.method == "POST" and form.validate():
        name = form.file.data.filename or "The file"
        try:
            text = decode_text(form.file.data.read(MAX_FILE_BYTES + 1), name)
            batch = invites.invite_csv(
                db(),
                text,
                days=current_app.config["INVITE_DAYS"],
                default_role=form.role.data or "",
                actor=g.user.username,
                invited_by=g.user.id,
                source=name,
            )
        except (InputFileError, CandidateError) as error:
            form.file.errors = [error.message]
        else:
            return _sent(batch, f"{plural(len(batch.invited), 'candidate')} invited")
    return render_template(
        "invite/upload.html",
        form=form,
        max_rows=invites.MAX_CSV_ROWS,
        smtp=smtp_configured(current_app.config),
        base=_link_base(),
    )


@bp.route("/reissue/<int:candidate_id>", methods=["POST"])
@roles_required(*STAFF)
def reissue(candidate_id: int):
    """Make a new link for a candidate; the old link and its sessions stop working."""
    if not ReissueForm().validate():
        abort(400)
    back = url_for("recruiter.candidate", candidate_id=candidate_id)
    if _link_base().url is None:  # refuse before the old link is voided
        return render_template(
            "invite/sent.html", title="No new link", deliveries=[], refused=_link_base().problem,
            back=back,
        )  # fmt: skip
    try:
        invite = invites.reissue_invite(
            db(), candidate_id, days=current_app.config["INVITE_DAYS"], actor=g.user.username
        )
    except CandidateError as error:
        return render_template(
            "invite/sent.html", title="No new link", deliveries=[], refused=error.message, back=back
        )
    return _sent(invites.InviteBatch(invited=[invite]), "New link made", back)


@bp.route("/mail/<batch>")
@roles_required(*STAFF)
def mail(batch: str):
    """Follow the invitation e-mails of one invite: queued, sent, or failed and why."""
    made = deliveries.batch_deliveries(db(), batch)
    if not made:
        abort(404)
    return render_template(
        "invite/mail.html", deliveries=made, names=deliveries.names(db(), made), batch=batch,
        waiting=[d for d in made if d.pending],
    )  # fmt: skip


@bp.route("/mail/<batch>/status")
@roles_required(*STAFF)
def mail_status(batch: str):
    """Say whether any e-mail of the batch is still on its way (the page polls this)."""
    made = deliveries.batch_deliveries(db(), batch)
    if not made:
        abort(404)
    waiting = any(d.pending for d in made)
    response = jsonify(status="running" if waiting else "done", waiting=waiting)
    response.headers["Cache-Control"] = "no-store"
    return response
