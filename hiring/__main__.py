"""Let ``python -m hiring`` run the command line."""

from hiring.cli import cli

cli()
