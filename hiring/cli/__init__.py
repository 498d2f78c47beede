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


def make_app(ctx: click.Context) -> Flask:
    """Build the app for the instance chosen on the command line (or by the environment)."""
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    if "app" not in root.obj:
        overrides = {}
        if root.params.get("instance"):
            overrides["INSTANCE_PATH"] = root.params["instance"]
        root.obj["app"] = create_app(overrides)
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


from hiring.cli import admin as _admin  # noqa: E402  (commands register on import)
from hiring.cli.demo import demo  # noqa: E402

cli.add_command(_admin.init)
cli.add_command(_admin.serve)
cli.add_command(_admin.db_group)
cli.add_command(_admin.users)
cli.add_command(demo)
from hiring.cli.invite import invite as _invite  # noqa: E402
from hiring.cli.roles import roles_group as _roles_group  # noqa: E402

cli.add_command(_roles_group)
cli.add_command(_invite)
from hiring.cli.fairness import fairness_group as _fairness_group  # noqa: E402
from hiring.cli.rights import erase as _erase  # noqa: E402
from hiring.cli.rights import purge as _purge  # noqa: E402

cli.add_command(_fairness_group)
cli.add_command(_purge)
cli.add_command(_erase)
from hiring.cli import workspace as _workspace  # noqa: E402,F401  (adds `users set-role/disable/enable`)
from hiring.cli.questionnaire import questionnaire as _questionnaire  # noqa: E402

cli.add_command(_questionnaire)
from hiring.cli import calibration as _calibration  # noqa: E402

cli.add_command(_calibration.incumbents_group)
cli.add_command(_calibration.calibrate)
cli.add_command(_calibration.models_group)
cli.add_command(_calibration.rescore)
from hiring.cli.reports import report as _report  # noqa: E402
from hiring.cli.reports import reports as _reports  # noqa: E402

cli.add_command(_report)
cli.add_command(_reports)
