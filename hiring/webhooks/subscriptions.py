"""Admins' webhook subscriptions: a URL, the events it wants and the secret that signs them."""

import base64
import json
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.store.db import write_transaction
from hiring.webhooks.addresses import check_url

EVENTS = {
    "candidate.invited": "A candidate was invited (by a person, a CSV or the API).",
    "candidate.started": "A candidate opened their link and began the assessment.",
    "candidate.completed": "A candidate submitted the assessment; results are ready.",
    "candidate.decided": "A decision was recorded (shortlisted, interviewed, offered, hired, "
    "rejected).",
    "model.activated": "A model version became a role's active model.",
}


class SubscriptionError(HiringError):
    """A subscription that cannot be made or found."""


@dataclass(frozen=True)
class Subscription:
    """One URL subscribed to some events."""

    id: int
    url: str
    events: tuple[str, ...]
    secret: str
    created_at: str
    created_by: str
    removed_at: str | None

    @classmethod
    def from_row(cls, row: dict) -> "Subscription":
        """Build a subscription from its row."""
        return cls(
            row["id"], row["url"], tuple(json.loads(row["events"])), row["secret"],
            row["created_at"], row["created_by"] or "", row["removed_at"],
        )  # fmt: skip


def parse_events(text: str) -> tuple[str, ...]:
    """Read ``EVENT[,EVENT...]``; raise naming any event that does not exist."""
    events = tuple(dict.fromkeys(e.strip() for e in text.split(",") if e.strip()))
    unknown = [e for e in events if e not in EVENTS]
    if unknown or not events:
        said = f"Unknown event: {', '.join(unknown)}." if unknown else "Give at least one event."
        raise SubscriptionError(f"{said} Choose from: {', '.join(EVENTS)}.")
    return events


def subscribe(
    db: Database, url: str, events: tuple[str, ...], *, actor: str, allow_private: bool
) -> Subscription:
    """Subscribe ``url`` to ``events``; the new secret is in the returned subscription."""
    url = check_url(url, allow_private=allow_private)
    parse_events(",".join(events))
    secret = "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()
    with write_transaction(db):
        row = {
            "url": url, "events": json.dumps(list(events)), "secret": secret,
            "created_at": audit.now_iso(), "created_by": actor,
        }  # fmt: skip
        row["id"] = db["webhook_subscriptions"].insert(row).last_pk
        audit.record(db, actor, "webhook.subscribe", "webhook", row["id"], url=url, events=events)
    return Subscription.from_row(db["webhook_subscriptions"].get(row["id"]))


def list_subscriptions(db: Database, *, include_removed: bool = False) -> list[Subscription]:
    """Return the subscriptions, oldest first."""
    where = None if include_removed else "removed_at IS NULL"
    return [Subscription.from_row(r) for r in db["webhook_subscriptions"].rows_where(where)]


def unsubscribe(db: Database, subscription_id: int, *, actor: str) -> Subscription:
    """Stop sending to a subscription (its delivery log is kept)."""
    with write_transaction(db):
        rows = list(db["webhook_subscriptions"].rows_where("id = ?", [subscription_id]))
        if not rows or rows[0]["removed_at"]:
            raise SubscriptionError(f"No live webhook subscription has the id {subscription_id}.")
        db["webhook_subscriptions"].update(subscription_id, {"removed_at": audit.now_iso()})
        audit.record(db, actor, "webhook.unsubscribe", "webhook", subscription_id)
    return Subscription.from_row(db["webhook_subscriptions"].get(subscription_id))
