"""The ``hiring`` command: a thin click skin over the use cases."""

from __future__ import annotations

import importlib
import shlex
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import click

from hiring.errors import HiringError
from hiring.store import config as settings

if TYPE_CHECKING:
    from flask import Flask

# Every command: (module in hiring.cli, its attribute, its short help). A command's module
# (and the use cases, scikit-learn or WeasyPrint it imports) is loaded only when that command
# runs, so `hiring --help` lists them all from here; a test checks each short help against
# the command's own docstring.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "apikeys": ("apikeys", "apikeys_group", "Manage API keys (see docs/integrations.md for the scopes)."),
    "backup": ("instance", "backup", "Back up the instance into the new folder PATH while it keeps running."),
    "calibrate": ("calibration", "calibrate", "Fit the role's fit model on its incumbents and report its out-of-fold validity."),
    "candidates": ("candidates", "candidates_group", "Find candidates and their ids; import past applicants."),
    "db": ("admin", "db_group", "Database schema commands."),
    "demo": ("demo", "demo", "Build a demo instance with synthetic data and serve it on this machine."),
    "erase": ("rights", "erase", "Erase one candidate: every row, cached report and derived record."),
    "fairness": ("fairness", "fairness_group", "Adverse-impact monitoring per role."),
    "incumbents": ("calibration", "incumbents_group", "Import a role's incumbents (current employees with a performance outcome)."),
    "init": ("admin", "init", "Create an empty instance: folder, secret key and database schema."),
    "invite": ("invite", "invite", "Invite everyone in FILE.csv (columns name,email[,role]) and print each link."),
    "irt": ("irt", "irt_group", "Calibrate the adaptive form's item bank (graded response model) and list its versions."),
    "models": ("calibration", "models_group", "List, activate and suspend a role's model versions."),
    "outcomes": ("outcomes", "outcomes_group", "Import hires' later job performance for predictive validation."),
    "purge": ("rights", "purge", "Erase candidates past the retention period."),
    "questionnaire": ("questionnaire", "questionnaire", "Check questionnaire files, score answers and study reliability."),
    "reminders": ("reminders", "reminders_group", "Remind candidates who have not finished (README, Reminders)."),
    "report": ("reports", "report", "Write one candidate's PDF report to a file (kept in the instance's report cache too)."),
    "reports": ("reports", "reports", "Render the reports of every assessed candidate of a role, in parallel."),
    "rescore": ("calibration", "rescore", "Recompute the fit of the role's assessed candidates with its active model."),
    "restore": ("instance", "restore", "Restore the backup in PATH into a new instance (--instance or HIRING_INSTANCE)."),
    "roles": ("roles", "roles_group", "Open, list and close job roles."),
    "serve": ("admin", "serve", "Serve the app on every core, with a task-queue worker beside it for the embedded queue."),
    "study": ("study", "study_group", "Run incumbent studies: current employees take the assessment (README, Incumbent study)."),
    "sweep": ("instance", "sweep", "Finish interrupted file deletions and remove orphaned report and model files."),
    "users": ("users", "users", "Manage staff accounts."),
    "validation": ("validation", "validation_group", "Validation of a role's fit: the summary of its numbers and the technical report."),
    "webhooks": ("webhooks", "webhooks_group", "Manage webhook subscriptions and deliveries (see docs/integrations.md)."),
    "worker": ("worker", "worker", "Work through the task queue until stopped (Ctrl+C finishes the running tasks first)."),
}  # fmt: skip


class HiringGroup(click.Group):
    """The ``hiring`` group: loads each command's module only when it runs, and shows our own
    errors as one line with exit code 2."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _short_help = COMMANDS[cmd_name]
        return getattr(importlib.import_module(f"hiring.cli.{module}"), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List every command with its short help, without importing any of them."""
        limit = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.utils.make_default_short_help(COMMANDS[name][2], limit))
            for name in self.list_commands(ctx)
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):  # type: ignore[override]
        # Ctrl+C must stop a command even when whatever started it left SIGINT blocked or
        # ignored (both survive fork and exec): `worker`, `serve` and `reports` finish
        # cleanly on it.
        # A signal ignored by the parent stays ignored too, so it gets Python's usual handler.
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        if (
            threading.current_thread() is threading.main_thread()
            and signal.getsignal(signal.SIGINT) == signal.SIG_IGN
        ):
            signal.signal(signal.SIGINT, signal.default_int_handler)
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
        from hiring import create_app

        overrides = app_overrides(ctx)
        if not overrides and not create:
            _refuse_new_default_instance()
        root.obj["app"] = create_app(overrides, pages=False)  # a command shows no page
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
