"""Settings from environment variables, each documented in the README."""

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    """One environment variable the app reads, with its default and meaning."""

    env: str
    key: str
    default: str | int | bool | None
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "HIRING_INSTANCE",
        "INSTANCE_PATH",
        "./instance",
        "Folder for the database, secret key, models and reports.",
    ),
    Setting(
        "HIRING_DATABASE",
        "DATABASE",
        None,
        "SQLite database file (default: <instance>/hiring.sqlite3).",
    ),
    Setting(
        "HIRING_SECRET_KEY",
        "SECRET_KEY",
        None,
        "Session signing key (default: generated once into <instance>/secret_key, mode 0600).",
    ),
    Setting("HIRING_HOST", "HOST", "127.0.0.1", "Address `hiring serve` listens on."),
    Setting("HIRING_PORT", "PORT", 8000, "Port `hiring serve` listens on."),
    Setting(
        "HIRING_WORKERS",
        "WORKERS",
        0,
        "Server processes of `hiring serve` (gunicorn on Linux and macOS); 0 means one per core.",
    ),
    Setting("HIRING_THREADS", "THREADS", 8, "Threads in each server process."),
    Setting(
        "HIRING_QUEUE_URL",
        "QUEUE_URL",
        "",
        "Where the task queue is kept: empty for SQLite in the instance folder (`hiring serve` "
        "then runs a worker itself), or redis://host:port/db for Redis, with `hiring worker` "
        "run separately.",
    ),
    Setting(
        "HIRING_QUEUE_THREADS",
        "QUEUE_THREADS",
        2,
        "Tasks one `hiring worker` runs at the same time.",
    ),
    Setting(
        "HIRING_BASE_URL",
        "BASE_URL",
        "",
        "Public address used in candidate links; e-mail with links is sent only when set.",
    ),
    Setting(
        "HIRING_ALLOWED_HOSTS",
        "ALLOWED_HOSTS",
        "localhost,127.0.0.1,::1",
        "Host names whose requests may lend their own address to links shown to staff "
        "when HIRING_BASE_URL is unset (comma-separated).",
    ),
    Setting(
        "HIRING_HTTPS", "HTTPS", False, "Set to 1 when served over HTTPS: Secure cookies and HSTS."
    ),
    Setting(
        "HIRING_PROXY_HOPS",
        "PROXY_HOPS",
        0,
        "Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted "
        "(0: none; the request's own address is used).",
    ),
    Setting(
        "HIRING_SESSION_IDLE_MINUTES",
        "SESSION_IDLE_MINUTES",
        30,
        "Minutes without a request after which a staff session ends.",
    ),
    Setting(
        "HIRING_SESSION_MAX_HOURS",
        "SESSION_MAX_HOURS",
        12,
        "Hours after sign-in at which a staff session ends, however busy.",
    ),
    Setting(
        "HIRING_API_RATE_LIMIT",
        "API_RATE_LIMIT",
        300,
        "Calls one API key may make per minute, counted across every server process; "
        "past it the API answers 429 with Retry-After.",
    ),
    Setting(
        "HIRING_WEBHOOK_ALLOW_PRIVATE",
        "WEBHOOK_ALLOW_PRIVATE",
        False,
        "Let webhooks reach loopback, link-local and private addresses (off: public only).",
    ),
    Setting(
        "HIRING_WEBHOOK_RETRY_SECONDS",
        "WEBHOOK_RETRY_SECONDS",
        30,
        "Wait before the first retry of a failed webhook delivery; it doubles on each retry.",
    ),
    Setting("HIRING_INVITE_DAYS", "INVITE_DAYS", 14, "Days an invite link stays valid."),
    Setting(
        "HIRING_SUBMITTED_LINK_DAYS",
        "SUBMITTED_LINK_DAYS",
        30,
        "Days a candidate's link keeps working after they submit.",
    ),
    Setting(
        "HIRING_FRESH_LINK_HOURS",
        "FRESH_LINK_HOURS",
        24,
        "Hours a fresh link, e-mailed to a submitted candidate who asked for one, works.",
    ),
    Setting(
        "HIRING_ACCOMMODATION_CONTACT",
        "ACCOMMODATION_CONTACT",
        "",
        "How candidates ask for extra time or another format, shown on the assessment's first "
        "page and in invite e-mails (default: reply to the invitation e-mail).",
    ),
    Setting(
        "HIRING_RETENTION_DAYS",
        "RETENTION_DAYS",
        365,
        "Days candidate data is kept after a final decision, an unfinished candidate's link "
        "expiry or an undecided candidate's role closing (`hiring purge`).",
    ),
    Setting(
        "HIRING_EMPLOYEE_RETENTION_DAYS",
        "EMPLOYEE_RETENTION_DAYS",
        730,
        "Days an employee's incumbent-study answers, scores and KPIs are kept after they sent "
        "them (or after an unfinished link expired); an employee left in no study is then "
        "deleted (`hiring study purge`).",
    ),
    Setting(
        "HIRING_REPORT_PAGE_SIZE",
        "REPORT_PAGE_SIZE",
        "A4",
        "Page size of PDF reports: A4 or Letter.",
    ),
    Setting(
        "HIRING_SELF_ID_FILE",
        "SELF_ID_FILE",
        "",
        "YAML file of the voluntary self-identification questions, asked of candidates and "
        "analysed on the Fairness page (default: the shipped US EEO list).",
    ),
    Setting(
        "HIRING_FAIRNESS_MIN_CELL",
        "FAIRNESS_MIN_CELL",
        5,
        "Smallest group shown on the Fairness page, in its CSV and in the bias audit; smaller "
        "groups are counted together in one line (1 shows every group).",
    ),
    Setting(
        "HIRING_SMTP_HOST",
        "SMTP_HOST",
        "",
        "SMTP server for invite e-mails; empty means links are shown to staff instead.",
    ),
    Setting("HIRING_SMTP_PORT", "SMTP_PORT", 587, "SMTP port."),
    Setting("HIRING_SMTP_USER", "SMTP_USER", "", "SMTP user name (optional)."),
    Setting("HIRING_SMTP_PASSWORD", "SMTP_PASSWORD", "", "SMTP password (optional)."),
    Setting(
        "HIRING_SMTP_STARTTLS",
        "SMTP_STARTTLS",
        True,
        "Use STARTTLS with the SMTP server (0 to turn off).",
    ),
    Setting(
        "HIRING_SMTP_FROM", "SMTP_FROM", "hiring@localhost", "Sender address of invite e-mails."
    ),
    Setting(
        "HIRING_MAIL_RETRIES",
        "MAIL_RETRIES",
        5,
        "Times the task queue tries an e-mail again after the mail server could not take it.",
    ),
    Setting(
        "HIRING_MAIL_RETRY_SECONDS",
        "MAIL_RETRY_SECONDS",
        60,
        "Wait before the first retry of an e-mail, in seconds; each further retry waits twice "
        "as long (60: after 1, 2, 4, 8 and 16 minutes).",
    ),
    Setting(
        "HIRING_REMINDER_DAYS",
        "REMINDER_DAYS",
        "2,5",
        "Days after the invitation on which a candidate who has not finished gets a reminder "
        "e-mail (comma-separated, at most 5; `off` for none). None go after the link expires.",
    ),
)


def _convert(raw: str, default: object) -> object:
    """Turn an environment string into the type of the setting's default."""
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    return raw


def from_environment(environ: dict[str, str] | None = None) -> dict[str, object]:
    """Read every setting, falling back to its default."""
    environ = dict(os.environ) if environ is None else environ
    values: dict[str, object] = {}
    for setting in SETTINGS:
        raw = environ.get(setting.env)
        if raw is None or raw == "":
            values[setting.key] = setting.default
        else:
            try:
                values[setting.key] = _convert(raw, setting.default)
            except ValueError as error:
                raise SystemExit(f"{setting.env}={raw!r} is not a valid value: {error}") from None
    return values


def instance_secret_key(instance: Path) -> str:
    """Return the instance's secret key, creating it once with owner-only permissions."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another worker created it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
