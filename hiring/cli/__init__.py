"""The ``hiring`` command: a thin click skin over the use cases."""

import shlex
import sys
from pathlib import Path

import click
from flask import Flask

from hiring import create_app
from hiring.errors import HiringError
from hiring.store import config as settings


class HiringGroup(click.Group):
    """A click group that shows our own errors as one line and exits with code 2."""

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        try:
            return super().invoke(ctx)
        except HiringError as error:
            click.echo(f"Error: {_runnable_anywhere(ctx, error.message)}", err=True)
            sys.exit(2)


def _runnable_anywhere(ctx: click.Context, message: str) -> str:
    """Add the instance to the commands a message names (`hiring roles list`), once it is known."""
    app = (ctx.obj or {}).get("app")
    if app is None or "`hiring " not in message:
        return message
    where = shlex.quote(str(app.config["INSTANCE_PATH"]))
    return message.replace("`hiring ", f"`hiring --instance {where} ")


def app_overrides(ctx: click.Context) -> dict:
    """Return the settings the command line sets over the environment's (the instance)."""
    instance = ctx.find_root().params.get("instance")
    return {"INSTANCE_PATH": instance} if instance else {}


def make_app(ctx: click.Context, *, create: bool = False) -> Flask:
    """Build the app for the instance chosen on the command line (or by the environment).

    Without ``--instance`` or ``HIRING_INSTANCE``, only ``create`` (``hiring init``) may make a
    new instance in ``./instance``: any other command run from the wrong folder would otherwise
    quietly start a second, empty instance there.
    """
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    if "app" not in root.obj:
        overrides = app_overrides(ctx)
        if not overrides and not create:
            _refuse_new_default_instance()
        root.obj["app"] = create_app(overrides)
    return root.obj["app"]


def _refuse_new_default_instance() -> None:
    values = settings.from_environment()
    database = Path(
        str(values["DATABASE"] or Path(str(values["INSTANCE_PATH"])) / "hiring.sqlite3")
    )
    if not database.exists():
        folder = Path(str(values["INSTANCE_PATH"])).resolve()
        raise HiringError(
            f"No instance in {folder}. Pass --instance PATH (or set HIRING_INSTANCE) to use "
            f"yours, or create one here with: hiring --instance {shlex.quote(str(folder))} init"
        )


def command_hint(ctx: click.Context, arguments: str) -> str:
    """Return ``hiring --instance PATH arguments``, a command that works from any folder."""
    folder = make_app(ctx).config["INSTANCE_PATH"]
    return f"hiring --instance {shlex.quote(str(folder))} {arguments}"


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
    apikeys,
    calibration,
    candidates,
    fairness,
    instance,
    invite,
    questionnaire,
    reports,
    rights,
    roles,
    users,
    webhooks,
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
    candidates.candidates_group,
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
    apikeys.apikeys_group,
    webhooks.webhooks_group,
):
    cli.add_command(command)
