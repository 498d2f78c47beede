"""What the demo steps share: the app, its database, its address and what to tell the user."""

from dataclasses import dataclass, field

from flask import Flask
from sqlite_utils import Database

DEMO_BASE_URL = "http://127.0.0.1:8000"


@dataclass
class DemoContext:
    """What the demo steps share: the app, its database, its address and what to tell the user."""

    app: Flask
    db: Database
    passwords: dict[str, str] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)
    base_url: str = DEMO_BASE_URL  # where `hiring demo` serves: the start of printed links
