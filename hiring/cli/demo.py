"""The ``hiring demo`` command."""

from pathlib import Path

import click


@click.command()
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("frontline-demo"),
    show_default=True,
    help="Folder of the demo instance (re-created on every run).",
)
@click.option("--no-serve", is_flag=True, help="Build the instance and exit.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to serve on.")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to serve on.")
def demo(folder: Path, no_serve: bool, host: str, port: int) -> None:
    """Build a demo instance with synthetic data and serve it on this machine."""
    from hiring.demo import build_demo

    click.echo(f"Building the demo instance in {folder.resolve()} (all data is synthetic) ...")
    ctx = build_demo(folder)
    for line in ctx.lines:
        click.echo(line)
    click.echo("")
    click.echo("Demo accounts (passwords also in demo-accounts.txt):")
    for username, password in ctx.passwords.items():
        click.echo(f"  {username:<10} {password}")
    url = f"http://{host}:{port}/"
    if no_serve:
        click.echo(f"Built. Serve it with:  hiring --instance {folder} serve --port {port}")
        return
    import waitress

    click.echo(f"\nOpen {url} in your browser (Ctrl+C to stop).")
    waitress.serve(ctx.app, host=host, port=port, threads=ctx.app.config["THREADS"])
