"""The ``hiring roles`` commands: open, list and close job roles."""

import click

from hiring.roles import services as roles
from hiring.store.db import get_db
from hiring.store.plurals import noun


def _db(ctx: click.Context):
    from hiring.cli import make_app

    app = make_app(ctx)
    return get_db(app.config["DATABASE"])


@click.group("roles")
def roles_group() -> None:
    """Open, list and close job roles."""


@roles_group.command("add")
@click.argument("title")
@click.option("--location", default="", help="Where the job is (shown to candidates).")
@click.option(
    "--questionnaire",
    default=roles.DEFAULT_QUESTIONNAIRE[0],
    show_default=True,
    help="Questionnaire id.",
)
@click.option(
    "--version",
    "questionnaire_version",
    default=roles.DEFAULT_QUESTIONNAIRE[1],
    show_default=True,
    help="Questionnaire version.",
)
@click.option(
    "--profile", default=roles.DEFAULT_PROFILE, show_default=True, help="Hiring profile id."
)
@click.option(
    "--form",
    type=click.Choice(roles.FORMS),
    default="full",
    show_default=True,
    help="The full questionnaire, or the adaptive short form (needs a calibrated item bank).",
)
@click.pass_context
def roles_add(ctx, title, location, questionnaire, questionnaire_version, profile, form) -> None:
    """Open a job role; prints its short name, used by `hiring invite --role`."""
    role = roles.create_role(
        _db(ctx),
        title=title,
        location=location,
        questionnaire_id=questionnaire,
        questionnaire_version=questionnaire_version,
        profile_id=profile,
        actor="cli",
        form=form,
    )
    click.echo(f"Opened role {role['slug']}: {role['title']} ({role['form']} form)")


@roles_group.command("list")
@click.option("--all", "include_closed", is_flag=True, help="Include closed roles.")
@click.pass_context
def roles_list(ctx, include_closed) -> None:
    """List roles with their candidate counts."""
    from hiring.cli import command_hint

    db = _db(ctx)
    rows = roles.list_roles(db, include_closed=include_closed)
    if not rows:
        click.echo(f"No roles yet. Open one with  {command_hint(ctx, 'roles add TITLE')}")
    for role in rows:
        counts = roles.funnel(db, role["id"])
        total = sum(counts.values())
        click.echo(
            f"{role['slug']:<36} {role['status']:<7} {total:>5} {noun(total, 'candidate'):<10} "
            f"{role['title']}{' · ' + role['location'] if role['location'] else ''}"
        )


@roles_group.command("close")
@click.argument("slug")
@click.pass_context
def roles_close(ctx, slug) -> None:
    """Close a role to new invites (candidates already invited can finish)."""
    db = _db(ctx)
    role = roles.close_role(db, roles.get_role_by_slug(db, slug)["id"], actor="cli")
    click.echo(f"Closed role {role['slug']}.")


@roles_group.command("form")
@click.argument("slug")
@click.argument("form", type=click.Choice(roles.FORMS))
@click.pass_context
def roles_form(ctx, slug, form) -> None:
    """Give the role's new candidates the full questionnaire or the adaptive short form.

    The adaptive form needs an item bank calibrated for the role's questionnaire
    (`hiring irt calibrate`); candidates who already started keep their form.
    """
    db = _db(ctx)
    role = roles.set_role_form(db, roles.get_role_by_slug(db, slug)["id"], form, actor="cli")
    click.echo(f"Role {role['slug']} now uses the {role['form']} form for new candidates.")
