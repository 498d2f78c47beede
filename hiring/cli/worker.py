"""``hiring worker``: work through the task queue (calibrations, re-scores, e-mails, report
batches, the scheduled purge and checks)."""

import logging

import click

from hiring.reports.pdf_support import warn_if_pango_missing
from hiring.store import queue


def load_tasks() -> None:
    """Import every area's tasks, so that the queue knows them all (they register on import)."""
    import hiring.candidates.tasks  # noqa: F401
    import hiring.modeling.tasks  # noqa: F401
    import hiring.reports.tasks  # noqa: F401
    import hiring.team.tasks  # noqa: F401
    import hiring.webhooks.tasks  # noqa: F401


@click.command()
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=None,
    help="Tasks to run at the same time (default HIRING_QUEUE_THREADS or 2).",
)
@click.pass_context
def worker(ctx: click.Context, threads: int | None) -> None:
    """Work through the task queue until stopped (Ctrl+C finishes the running tasks first).

    With the embedded queue (HIRING_QUEUE_URL empty), `hiring serve` runs one itself. With
    Redis, run one or more on any machine that has the same settings.
    """
    from hiring.cli import make_app

    app = make_app(ctx)
    load_tasks()
    queue.bind_app(app)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    warn_if_pango_missing(app)  # its report tasks need Pango: say so at start
    threads = threads or int(app.config["QUEUE_THREADS"])
    consumer = queue.huey.create_consumer(workers=threads, worker_type="thread", periodic=True)
    click.echo(f"Working through the task queue ({queue.describe()}) with {threads} threads.")
    consumer.run()
