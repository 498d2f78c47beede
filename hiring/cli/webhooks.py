"""``hiring webhooks``: subscribe URLs to events, see the delivery log, replay a delivery."""

import click


def _app_db(ctx: click.Context):
    from hiring.cli.admin import _db

    return _db(ctx)


@click.group("webhooks")
def webhooks_group() -> None:
    """Manage webhook subscriptions and deliveries (see docs/integrations.md)."""


@webhooks_group.command("add")
@click.argument("url")
@click.option(
    "--events",
    required=True,
    help="Comma-separated: candidate.invited, candidate.started, candidate.completed, "
    "candidate.decided, model.activated.",
)
@click.pass_context
def webhooks_add(ctx: click.Context, url: str, events: str) -> None:
    """Subscribe URL to events and print the secret that signs them (shown only now)."""
    from hiring.webhooks import subscriptions

    app, db = _app_db(ctx)
    sub = subscriptions.subscribe(
        db, url, subscriptions.parse_events(events), actor="cli",
        allow_private=bool(app.config["WEBHOOK_ALLOW_PRIVATE"]),
    )  # fmt: skip
    click.echo(f"Subscription {sub.id}: {sub.url} gets {', '.join(sub.events)}.")
    click.echo(f"Signing secret (Standard Webhooks; shown only now): {sub.secret}")


@webhooks_group.command("list")
@click.pass_context
def webhooks_list(ctx: click.Context) -> None:
    """List live subscriptions."""
    from hiring.webhooks import subscriptions

    subs = subscriptions.list_subscriptions(_app_db(ctx)[1])
    if not subs:
        click.echo("No webhook subscriptions.")
    for sub in subs:
        click.echo(f"{sub.id:>4}  {sub.url}  {','.join(sub.events)}  (since {sub.created_at})")


@webhooks_group.command("remove")
@click.argument("subscription_id", type=int)
@click.pass_context
def webhooks_remove(ctx: click.Context, subscription_id: int) -> None:
    """Stop sending to a subscription (its delivery log is kept)."""
    from hiring.webhooks import subscriptions

    sub = subscriptions.unsubscribe(_app_db(ctx)[1], subscription_id, actor="cli")
    click.echo(f"Subscription {sub.id} ({sub.url}) removed.")


@webhooks_group.command("log")
@click.option("--limit", type=click.IntRange(1, 1000), default=20, help="Newest deliveries shown.")
@click.pass_context
def webhooks_log(ctx: click.Context, limit: int) -> None:
    """Show the newest deliveries, each with its attempts."""
    from hiring.store.plurals import plural
    from hiring.webhooks import deliveries

    rows = deliveries.delivery_log(_app_db(ctx)[1], limit)
    if not rows:
        click.echo("No webhook deliveries yet.")
    for row in rows:
        click.echo(
            f"{row['id']:>5}  {row['event']:<20} {row['status']:<9} "
            f"{plural(row['attempts'], 'attempt')}  {row['url']}"
        )
        for attempt in row["attempt_rows"]:
            said = attempt["error"] or f"answered {attempt['status_code']}"
            click.echo(f"         {attempt['at']}  {said}")


@webhooks_group.command("replay")
@click.argument("delivery_id", type=int)
@click.pass_context
def webhooks_replay(ctx: click.Context, delivery_id: int) -> None:
    """Send a delivery again (same message id and body) with a fresh round of retries."""
    from hiring.webhooks import deliveries, tasks

    deliveries.replay(_app_db(ctx)[1], delivery_id, actor="cli")
    tasks.send([delivery_id])
    click.echo(f"Delivery {delivery_id} is queued again; `hiring webhooks log` shows how it goes.")
