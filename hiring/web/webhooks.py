"""Administrators' page for webhooks: subscriptions, the delivery log, and replaying one."""

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for

from hiring.errors import HiringError
from hiring.web.access import roles_required
from hiring.web.database import db
from hiring.web.forms.api_keys import ButtonForm, WebhookAddForm
from hiring.webhooks import deliveries, subscriptions, tasks

bp = Blueprint("webhooks", __name__, url_prefix="/admin/webhooks")


def _page(add_form=None, new_secret: tuple[str, str] | None = None, status: int = 200):
    html = render_template(
        "admin/webhooks.html",
        subscriptions=subscriptions.list_subscriptions(db()),
        log=deliveries.delivery_log(db(), 50),
        events=subscriptions.EVENTS,
        add_form=add_form or WebhookAddForm(),
        button=ButtonForm(),
        new_secret=new_secret,
    )
    return html, status


@bp.route("/")
@roles_required("admin")
def index():
    """List subscriptions and the newest deliveries with their attempts."""
    return _page()


@bp.route("/new", methods=["POST"])
@roles_required("admin")
def add():
    """Subscribe a URL; its signing secret is shown once, on this response only."""
    form = WebhookAddForm()
    if not form.validate():
        return _page(add_form=form, status=400)
    try:
        sub = subscriptions.subscribe(
            db(), form.url.data, tuple(form.events.data), actor=g.user.username,
            allow_private=bool(current_app.config["WEBHOOK_ALLOW_PRIVATE"]),
        )  # fmt: skip
    except HiringError as error:
        form.url.errors = [*form.url.errors, error.message]
        return _page(add_form=form, status=400)
    return _page(new_secret=(sub.url, sub.secret))


def _act(action, message: str):
    if not ButtonForm().validate():
        flash("The form expired; try again.", "error")
        return redirect(url_for("webhooks.index"))
    try:
        action()
    except HiringError as error:
        flash(error.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("webhooks.index"))


@bp.route("/<int:subscription_id>/remove", methods=["POST"])
@roles_required("admin")
def remove(subscription_id: int):
    """Stop sending to a subscription (its delivery log is kept)."""
    return _act(
        lambda: subscriptions.unsubscribe(db(), subscription_id, actor=g.user.username),
        "Subscription removed.",
    )


@bp.route("/deliveries/<int:delivery_id>/replay", methods=["POST"])
@roles_required("admin")
def replay(delivery_id: int):
    """Send a delivery again, with a fresh round of retries."""

    def again() -> None:
        deliveries.replay(db(), delivery_id, actor=g.user.username)
        tasks.send([delivery_id])

    return _act(again, f"Delivery {delivery_id} is queued again.")
