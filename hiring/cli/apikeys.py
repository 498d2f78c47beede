"""``hiring apikeys``: create, list and revoke API keys, as the admin page does."""

import click


def _db(ctx: click.Context):
    from hiring.cli.admin import _db as app_db

    return app_db(ctx)[1]


@click.group("apikeys")
def apikeys_group() -> None:
    """Manage API keys (see docs/integrations.md for the scopes)."""


@apikeys_group.command("add")
@click.argument("name")
@click.option(
    "--scopes",
    required=True,
    help="Comma-separated: candidates:read, candidates:write, decisions:write, fairness:read, "
    "admin.",
)
@click.pass_context
def apikeys_add(ctx: click.Context, name: str, scopes: str) -> None:
    """Create an API key and print it once: it is stored only as a hash."""
    from hiring.accounts import api_keys

    key, text = api_keys.create_key(_db(ctx), name, api_keys.parse_scopes(scopes), actor="cli")
    click.echo(f"Created API key {key.name} ({', '.join(key.scopes)}).")
    click.echo(f"Key (shown only now; send it as 'Authorization: Bearer KEY'): {text}")


@apikeys_group.command("list")
@click.pass_context
def apikeys_list(ctx: click.Context) -> None:
    """List API keys with their scopes, state and last use (never the keys themselves)."""
    from hiring.accounts import api_keys

    keys = api_keys.list_keys(_db(ctx))
    if not keys:
        click.echo("No API keys yet.")
    for key in keys:
        state = f"revoked {key.revoked_at}" if key.revoked_at else "live"
        used = f"last used {key.last_used_at}" if key.last_used_at else "never used"
        click.echo(f"{key.name:<24} ff_{key.prefix}_…  {','.join(key.scopes):<40} {state}; {used}")


@apikeys_group.command("revoke")
@click.argument("name")
@click.pass_context
def apikeys_revoke(ctx: click.Context, name: str) -> None:
    """Revoke an API key: the next call made with it is refused."""
    from hiring.accounts import api_keys

    key = api_keys.revoke_key(_db(ctx), name, actor="cli")
    click.echo(f"Revoked API key {key.name}; calls with it are refused from now on.")
