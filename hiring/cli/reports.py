"""``hiring report`` and ``hiring reports``: candidates' PDF reports from the command line."""

from pathlib import Path

import click

from hiring.accounts import audit
from hiring.errors import HiringError
from hiring.reports.batch import assessed_candidates, build_reports, render_batch
from hiring.reports.cache import cached_report, write_atomic
from hiring.reports.content import PAGE_SIZES, VARIANTS
from hiring.reports.pdf_support import warn_if_pango_missing
from hiring.roles.services import get_role_by_slug
from hiring.store.db import get_db
from hiring.store.plurals import plural
from hiring.workspace.candidate_view import candidate_detail

VARIANT = click.option(
    "--variant",
    type=click.Choice(VARIANTS),
    default="fit",
    show_default=True,
    help="fit: the recruiter's report; onboarding: the manager's 30/60/90-day plan.",
)
PAGE_SIZE = click.option(
    "--page-size",
    type=click.Choice(PAGE_SIZES, case_sensitive=False),
    default=None,
    help="Paper size (default: HIRING_REPORT_PAGE_SIZE, else A4).",
)


def _setup(ctx: click.Context, page_size: str | None):
    """Open the instance; return (app, db, page size), refusing when PDFs cannot be made."""
    from hiring.cli import make_app

    app = make_app(ctx)
    db = get_db(app.config["DATABASE"])
    wanted = page_size or str(app.config.get("REPORT_PAGE_SIZE") or "A4")
    size = {s.lower(): s for s in PAGE_SIZES}.get(wanted.lower())
    if size is None:
        raise HiringError(f"HIRING_REPORT_PAGE_SIZE must be A4 or Letter, not {wanted!r}.")
    warn_if_pango_missing(app)
    if app.config.get("PDF_UNAVAILABLE"):
        raise HiringError(app.config["PDF_UNAVAILABLE"])
    return app, db, size


@click.command("report")
@click.argument("candidate_id", type=int)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="PDF file to write.",
)
@VARIANT
@PAGE_SIZE
@click.pass_context
def report(
    ctx: click.Context, candidate_id: int, output: Path, variant: str, page_size: str | None
) -> None:
    """Write one candidate's PDF report to a file (kept in the instance's report cache too)."""
    app, db, size = _setup(ctx, page_size)
    detail = candidate_detail(db, candidate_id)
    done = cached_report(db, app.config["INSTANCE_PATH"], detail, variant, page_size=size)
    write_atomic(output, done.pdf)
    audit.record(db, "cli", "report.exported", "candidate", candidate_id, variant=variant)
    click.echo(f"Wrote the {variant} report of candidate {candidate_id} to {output}.")


@click.command("reports")
@click.option("--role", "role_slug", required=True, help="Short name of the role (see roles list).")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs, named CANDIDATE_ID-VARIANT.pdf.",
)
@VARIANT
@PAGE_SIZE
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Reports rendered at once, one process each (default: the number of CPU cores).",
)
@click.pass_context
def reports(
    ctx: click.Context,
    role_slug: str,
    out_dir: Path,
    variant: str,
    page_size: str | None,
    jobs: int | None,
) -> None:
    """Render the reports of every assessed candidate of a role, in parallel."""
    _, db, size = _setup(ctx, page_size)
    role = get_role_by_slug(db, role_slug)
    ids = assessed_candidates(db, role["id"])
    if not ids:
        raise HiringError(f"Role {role['slug']} has no assessed candidates yet.")
    built, failed = build_reports(db, ids, variant, size)
    with click.progressbar(length=len(built), label=f"Rendering {variant} reports") as bar:
        result = render_batch(built, out_dir, jobs=jobs, on_done=lambda *_: bar.update(1))
    for candidate_id, _ in result.written:
        audit.record(db, "cli", "report.exported", "candidate", candidate_id, variant=variant)
    for candidate_id, reason in sorted(failed + result.failed):
        click.echo(f"candidate {candidate_id}: failed: {reason}", err=True)
    click.echo(
        f"Wrote {len(result.written)} of {plural(len(ids), variant + ' report')} to {out_dir}."
    )
    if len(result.written) < len(ids):
        ctx.exit(1)
