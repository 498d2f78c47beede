"""The ``hiring demo`` command."""

import shlex
from pathlib import Path

import click

from hiring.cli.server import check_port_free


def _browser_url(host: str, port: int) -> str:
    """Return the address to open for a server listening on ``host``:``port``."""
    shown = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(host, host)  # noqa: S104
    return f"http://[{shown}]:{port}" if ":" in shown else f"http://{shown}:{port}"


@click.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("frontline-demo"),
    show_default=True,
    help="Folder of the demo instance.",
)
@click.option(
    "--reset",
    is_flag=True,
    help="Delete the demo already in the folder (its data and passwords) and build a new one.",
)
@click.option("--no-serve", is_flag=True, help="Build the instance and exit.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to serve on.")
def demo(folder: Path, reset: bool, no_serve: bool, host: str, port: int) -> None:
    """Build a demo instance with synthetic data and serve it on this machine.

    A folder that already holds a demo is left alone unless --reset is given.
    """
    from hiring.demo.build import DemoExists, build_demo, what_a_rebuild_loses

    folder = folder.resolve()
    here = shlex.quote(str(folder))
    lost = what_a_rebuild_loses(folder)
    if lost and not reset:
        raise DemoExists(
            f"A demo already exists in {folder}; rebuilding it would delete {lost}. "
            f"Serve it as it is with: hiring --instance {here} serve --host {host} --port {port} "
            f"(passwords in {folder / 'demo-accounts.txt'}), or rebuild it with: "
            f"hiring demo --folder {here} --host {host} --port {port} --reset"
        )
    if not no_serve:
        check_port_free(host, port)  # before anything is built or deleted
    click.echo(f"Building the demo instance in {folder} (all data is synthetic) ...")
    url = _browser_url(host, port) + "/"
    ctx = build_demo(folder, base_url=url)
    for line in ctx.lines:
        click.echo(line)
    click.echo("")
    click.echo("Demo accounts (passwords also in demo-accounts.txt):")
    for username, password in ctx.passwords.items():
        click.echo(f"  {username:<10} {password}")
    if no_serve:
        click.echo(
            f"Built. Serve it with:  hiring --instance {here} serve --host {host} --port {port}"
        )
        return
    from hiring.cli.server import serve

    click.echo(f"\nOpen {url} in your browser (Ctrl+C to stop).")
    overrides = {"INSTANCE_PATH": str(folder.resolve()), "SMTP_HOST": "", "QUEUE_URL": ""}
    serve(overrides, ctx.app.config, host, port, click.echo)
