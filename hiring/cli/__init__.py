"""The ``hiring`` command: a thin click skin over the use cases."""

import sys
from pathlib import Path

import click
from flask import Flask

from hiring import create_app
from hiring.errors import HiringError


class HiringGroup(click.Group):
    """A click group that shows our own errors as one line and exits with code 2."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except HiringError as error:
            click.echo(f"Error: {error.message}", err=True)
            sys.exit(2)


def app_overrides(ctx: click.Context) -> dict:
    """Return the settings the command line sets over the environment's (the instance)."""
    instance = ctx.find_root().params.get("instance")
    return {"INSTANCE_PATH": instance} if instance else {}


def make_app(ctx: click.Context) -> Flask:
    """Build the app for the instance chosen on the command line (or by the environment)."""
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    if "app" not in root.obj:
        root.obj["app"] = create_app(app_overrides(ctx))
    return root.obj["app"]


@click.group(cls=HiringGroup)
@click.option(
    "--instance",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="HIRING_INSTANCE",
    help="Instance folder (database, secret key, models, reports). Default: ./instance",
)
@click.version_option(package_name="frontline-fit")
@click.pass_context
def cli(ctx: click.Context, instance: Path | None) -> None:
    """Frontline Fit: hiring assessments and candidate profiles for service teams."""
    ctx.ensure_object(dict)


# The commands import their use cases; they are registered after ``cli`` exists.
from hiring.cli import (  # noqa: E402
    admin,
    calibration,
    fairness,
    instance,
    invite,
    questionnaire,
    reports,
    rights,
    roles,
    users,
    worker,
)
from hiring.cli.demo import demo  # noqa: E402

for command in (
    admin.init,
    admin.serve,
    worker.worker,
    admin.db_group,
    users.users,
    demo,
    roles.roles_group,
    invite.invite,
    fairness.fairness_group,
    rights.purge,
    rights.erase,
    questionnaire.questionnaire,
    calibration.incumbents_group,
    calibration.calibrate,
    calibration.models_group,
    calibration.rescore,
    reports.report,
    reports.reports,
    instance.backup,
    instance.restore,
    instance.sweep,
):
    cli.add_command(command)
