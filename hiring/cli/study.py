"""The ``hiring study`` commands: run an incumbent study from the command line."""

from datetime import UTC, datetime
from pathlib import Path

import click

from hiring.errors import HiringError
from hiring.modeling.incumbents import RULES, IncumbentFileError
from hiring.store.db import get_db
from hiring.store.plurals import plural
from hiring.store.text_input import read_text_file
from hiring.team import calibration_set, erasure, studies
from hiring.team.mail import deliver
from hiring.team.roster import RosterError

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
BASE_URL = click.option(
    "--base-url",
    default=None,
    help="Start of the links (default HIRING_BASE_URL, else http://HOST:PORT).",
)


def _app_db(ctx: click.Context):
    from hiring.cli import make_app

    app = make_app(ctx)
    return app, get_db(app.config["DATABASE"])


def _print_links(app, made: list, base_url: str | None, reminder: bool = False) -> None:
    """Print one line per link: employee id, name, e-mail, link and whether it was e-mailed."""
    chosen = base_url or app.config["BASE_URL"]
    base = chosen or f"http://{app.config['HOST']}:{app.config['PORT']}"
    for d in deliver(app.config, made, base, may_email=bool(chosen), reminder=reminder):
        note = "e-mailed" if d.emailed else (f"NOT e-mailed: {d.problem}" if d.problem else "")
        who = f"{d.invite.employee_id}\t{d.invite.name} <{d.invite.email}>"
        click.echo(f"{who}\t{d.link}{chr(9) + note if note else ''}")


def _file_problems(error: Exception) -> HiringError:
    problems = getattr(error, "problems", [])
    for problem in problems:
        click.echo(problem, err=True)
    return HiringError(f"{plural(len(problems), 'problem')} in the file; nothing was imported.")


@click.group("study")
def study_group() -> None:
    """Run incumbent studies: current employees take the assessment (README, Incumbent study)."""


@study_group.command("open")
@click.argument("role")
@click.pass_context
def open_cmd(ctx: click.Context, role: str) -> None:
    """Open round 1 of a study for ROLE (its short name) and print the study's id."""
    _app, db = _app_db(ctx)
    study = studies.open_study(db, role, actor="cli")
    click.echo(f"Study {study['id']} is open for {study['role_slug']} (round 1).")


@study_group.command("list")
@click.pass_context
def list_cmd(ctx: click.Context) -> None:
    """List studies with their round, counts and state."""
    _app, db = _app_db(ctx)
    for s in studies.list_studies(db):
        state = f"closed {s['closed_at'][:10]}" if s["closed_at"] else "open"
        click.echo(
            f"{s['id']}\t{s['role_slug']}\tround {s['round']}\t{s['completed']} of {plural(s['invited'], 'employee')} done\t{state}"
        )


@study_group.command("invite")
@click.argument("study_id", metavar="STUDY", type=int)
@click.argument("csv_file", metavar="EMPLOYEES.csv", type=FILE)
@BASE_URL
@click.pass_context
def invite_cmd(ctx: click.Context, study_id: int, csv_file: Path, base_url: str | None) -> None:
    """Invite the employees of EMPLOYEES.csv (employee_id,name,email,team[,manager]) to STUDY.

    Every problem is listed by row and column, and nobody is invited until there are none.
    Prints each link (e-mailed too when SMTP and a public address are set).
    """
    app, db = _app_db(ctx)
    try:
        made = studies.invite_file(
            db, study_id, read_text_file(csv_file), source=csv_file.name,
            days=app.config["INVITE_DAYS"], actor="cli",
        )  # fmt: skip
    except RosterError as error:
        raise _file_problems(error) from None
    _print_links(app, made, base_url)
    click.echo(f"Invited {plural(len(made), 'employee')} to study {study_id}.", err=True)


@study_group.command("remind")
@click.argument("study_id", metavar="STUDY", type=int)
@BASE_URL
@click.pass_context
def remind_cmd(ctx: click.Context, study_id: int, base_url: str | None) -> None:
    """Make a new link for everyone in STUDY who has not finished (old links stop working)."""
    app, db = _app_db(ctx)
    made = studies.remind(db, study_id, days=app.config["INVITE_DAYS"], actor="cli")
    _print_links(app, made, base_url, reminder=True)
    click.echo(f"Reminded {plural(len(made), 'employee')}.", err=True)


@study_group.command("kpis")
@click.argument("study_id", metavar="STUDY", type=int)
@click.argument("csv_file", metavar="KPIS.csv", type=FILE)
@click.pass_context
def kpis_cmd(ctx: click.Context, study_id: int, csv_file: Path) -> None:
    """Replace STUDY's KPIs with KPIS.csv (employee_id and any of csat,qa,handle_time,rating,tenure)."""
    _app, db = _app_db(ctx)
    try:
        done = calibration_set.import_kpis(
            db, study_id, read_text_file(csv_file), filename=csv_file.name, actor="cli"
        )
    except IncumbentFileError as error:
        raise _file_problems(error) from None
    for notice in done.notices:
        click.echo(f"Notice: {notice}")
    click.echo(
        f"Imported the KPIs of {plural(done.n, 'employee')} ({', '.join(done.columns)}); replaced {done.replaced}."
    )


@study_group.command("calibration-set")
@click.argument("study_id", metavar="STUDY", type=int)
@click.option(
    "--kpi",
    "column",
    required=True,
    help="The KPI that defines success: csat, qa, handle_time, rating or tenure.",
)
@click.option(
    "--rule",
    type=click.Choice([r for r in RULES if r != "binary"]),
    default="top_share",
    show_default=True,
    help="top_share: the best --share; threshold: at or beyond --threshold.",
)
@click.option("--threshold", type=float, default=None, help="KPI value that counts as success.")
@click.option(
    "--share", type=float, default=0.3, show_default=True, help="Share counted as success."
)
@click.pass_context
def calibration_set_cmd(ctx, study_id, column, rule, threshold, share) -> None:
    """Replace the role's incumbents with STUDY's answers joined with one KPI (then `hiring calibrate`)."""
    _app, db = _app_db(ctx)
    criterion = calibration_set.criterion_for(
        column, rule, threshold, share if rule == "top_share" else None
    )
    try:
        result, _missing = calibration_set.build_calibration_set(
            db, study_id, criterion, actor="cli"
        )
    except IncumbentFileError as error:
        raise _file_problems(error) from None
    for notice in result.notices:
        click.echo(f"Notice: {notice}")
    click.echo(f"Calibration set of study {study_id}: {plural(result.n, 'employee')}, "
               f"{plural(result.n_positive, 'high performer')} ({result.criterion}).")  # fmt: skip
    refusal, warnings = calibration_set.sample_check(db, study_id, criterion)
    if refusal:
        click.echo(f"Not enough to calibrate yet: {refusal}")
    else:
        click.echo("Enough to calibrate: run `hiring calibrate`.")
    for warning in warnings:
        click.echo(f"Warning: {warning}")


@study_group.command("next-round")
@click.argument("study_id", metavar="STUDY", type=int)
@BASE_URL
@click.pass_context
def next_round_cmd(ctx: click.Context, study_id: int, base_url: str | None) -> None:
    """Close STUDY and open its next round, inviting everyone who completed it."""
    app, db = _app_db(ctx)
    new, made = studies.next_round(db, study_id, days=app.config["INVITE_DAYS"], actor="cli")
    _print_links(app, made, base_url)
    click.echo(
        f"Study {new['id']} is round {new['round']}; invited {plural(len(made), 'employee')}.",
        err=True,
    )


@study_group.command("close")
@click.argument("study_id", metavar="STUDY", type=int)
@click.pass_context
def close_cmd(ctx: click.Context, study_id: int) -> None:
    """Close STUDY: its links stop taking answers; what was collected stays."""
    _app, db = _app_db(ctx)
    studies.close_study(db, study_id, actor="cli")
    click.echo(f"Study {study_id} is closed.")


@study_group.command("erase")
@click.argument("employee_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def erase_cmd(ctx: click.Context, employee_id: str, yes: bool) -> None:
    """Erase every study record of EMPLOYEE_ID: answers, scores, KPIs, links, self-identification."""
    _app, db = _app_db(ctx)
    if not yes:
        click.confirm(f"Erase every study record of employee {employee_id}?", abort=True)
    done = erasure.erase_employee(db, employee_id, actor="cli")
    click.echo(f"Erased {done.describe()}.")


@study_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Only say what would be erased.")
@click.option(
    "--days",
    type=click.IntRange(min=1),
    default=None,
    help="Retention in days (default HIRING_EMPLOYEE_RETENTION_DAYS).",
)
@click.pass_context
def purge_cmd(ctx: click.Context, dry_run: bool, days: int | None) -> None:
    """Erase employees' study data past the retention period."""
    app, db = _app_db(ctx)
    days = days or int(app.config["EMPLOYEE_RETENTION_DAYS"])
    done = erasure.purge(db, datetime.now(UTC), days, actor="cli", dry_run=dry_run)
    for item in done:
        click.echo(("Would erase " if dry_run else "Erased ") + item.describe())
    click.echo(f"{plural(len(done), 'employee')} past {plural(days, 'day')} of retention.")
