"""Counted nouns agree with their number everywhere: "1 person", never "1 people" or "check(s)".

The helper is tested alone; then a world with exactly one of everything (one role, one
candidate, one decision, one note, a one-day retention period and link) is shown through
every page a signed-in admin, recruiter or manager can open (PDF and CSV downloads included),
the candidate's pages and the command line, and every text is scanned for "1 <plural>".
"""

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from jinja2 import Environment
from pypdf import PdfReader

from hiring import create_app
from hiring.cli import cli
from hiring.modeling import calibration
from hiring.modeling.incumbents import Criterion, IncumbentFileError
from hiring.reports.render import environment as report_environment
from hiring.store.db import close_all, get_db
from hiring.store.plurals import noun, plural
from hiring.workspace import cohorts, decisions
from tests.calibration_data import scores_csv
from tests.candidate_records import assessed_candidate, make_role
from tests.candidate_support import Walker
from tests.candidate_support import invite as invite_candidate
from tests.conftest import PASSWORDS, AuthActions


@pytest.mark.parametrize(
    ("n", "singular", "many", "expected"),
    [
        (0, "person", None, "0 people"),
        (1, "person", None, "1 person"),
        (2, "person", None, "2 people"),
        (1, "attention check", None, "1 attention check"),
        (3, "attention check", None, "3 attention checks"),
        (1, "candidate", None, "1 candidate"),
        (12, "decision", None, "12 decisions"),
        (2, "competency", None, "2 competencies"),
        (2, "day", None, "2 days"),
        (2, "match", None, "2 matches"),
        (2, "criterion", None, "2 criteria"),
        (1.0, "second", None, "1 second"),
        (2.5, "second", None, "2.5 seconds"),
        (2, "fish", "fish", "2 fish"),
    ],
)
def test_plural_agrees_with_the_number(n, singular, many, expected):
    assert plural(n, singular, many) == expected
    assert noun(n, singular, many) == expected.split(" ", 1)[1]


def test_the_filters_work_in_pages_and_reports(app):
    for env in (app.jinja_env, report_environment()):
        template = env.from_string(
            "{{ 1|plural('person') }}, {{ 3|plural('row') }}; {{ 1|noun('hire') }}"
        )
        assert template.render() == "1 person, 3 rows; hire"
    assert "plural" not in Environment().filters  # ours, not Jinja's


# "1" followed by a word in the plural, where the "1" is not part of a larger number or decimal.
ONE_PLURAL = re.compile(r"(?<![\d.,:/-])\b1\s+(people|criteria|[a-z]+s)\b")
NOT_PLURAL = {
    "is", "was", "has", "does", "this", "its", "us", "as", "plus", "minus", "yes", "less",
    "across", "always", "analysis", "basis", "status", "bias", "thus", "whereas", "series",
}  # fmt: skip


def singular_problems(text: str) -> list[str]:
    """Return each "1 <plural>" and "word(s)" in ``text``."""
    found = [m.group(0) for m in ONE_PLURAL.finditer(text) if m.group(1) not in NOT_PLURAL]
    return found + re.findall(r"\w+\(s\)", text)


def test_the_scan_finds_what_it_looks_for():
    assert singular_problems("Imported 1 incumbents and 1 people; 2 check(s).") == [
        "1 incumbents",
        "1 people",
        "check(s)",
    ]
    assert singular_problems("1 person, 11 people, 0.1 points, 2.1 days, page 1 is done") == []


def visible_text(response) -> str:
    """The words a person sees: page text without markup, PDF text, CSV cells."""
    kind = response.headers.get("Content-Type", "")
    if kind.startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.get_data()))
        return "\n".join(page.extract_text() for page in reader.pages)
    text = response.get_data(as_text=True)
    if kind.startswith("text/html"):
        text = re.sub(r"<script.*?</script>|<style.*?</style>", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text)


@pytest.fixture
def one_of_everything(tmp_path, staff):
    """An instance with one role, one assessed and hired candidate, one note, one incumbent file."""
    app = create_app(
        {
            "TESTING": True,
            "INSTANCE_PATH": str(tmp_path / "one"),
            "SECRET_KEY": "test-secret-key",
            "RETENTION_DAYS": 1,
            "INVITE_DAYS": 1,
        }
    )
    db = get_db(app.config["DATABASE"])
    from hiring.accounts import users as accounts

    people = {
        role: accounts.add_user(db, role, PASSWORDS[role], role, f"{role.title()} Tester")
        for role in accounts.ROLES
    }
    role = make_role(db, "Help desk")
    cohorts.assign_manager(db, role["id"], people["manager"].id, actor="test")
    candidate_id, token = assessed_candidate(
        app, db, role, "Ana Díaz", "ana@example.test", self_id={"sex": "Woman"}
    )
    decisions.add_note(db, candidate_id, "Strong call.", user_id=people["recruiter"].id, actor="t")
    for status in ("shortlisted", "interviewed", "offered", "hired"):
        decisions.change_status(
            db,
            candidate_id,
            status,
            user_id=people["recruiter"].id,
            actor="t",
            reason="ok",
            override=True,
        )
    try:  # a file with one problem: "1 problem", not "1 problems"
        calibration.import_incumbents(
            db,
            role["id"],
            scores_csv(40).replace(",no,", ",maybe,", 1),
            Criterion("high_performer"),
        )
    except IncumbentFileError:
        pass
    calibration.import_incumbents(db, role["id"], scores_csv(40), Criterion("high_performer"))
    yield app, db, role, candidate_id, token
    close_all()


def _fill(rule, ids) -> str | None:
    """The URL of ``rule`` with its arguments taken from ``ids``, or None if one is unknown."""
    from flask import url_for

    if not set(rule.arguments) <= set(ids):
        return None
    return url_for(rule.endpoint, **{name: ids[name] for name in rule.arguments})


def test_no_page_report_or_export_says_1_with_a_plural(one_of_everything):
    app, db, role, candidate_id, _ = one_of_everything
    ids = {"role_id": role["id"], "candidate_id": candidate_id, "number": 1, "slug": role["slug"]}
    problems: dict[str, list[str]] = {}
    for who in ("admin", "recruiter", "manager"):
        client = app.test_client()
        AuthActions(client).login(who)
        with app.test_request_context():
            urls = sorted(
                {
                    url
                    for rule in app.url_map.iter_rules()
                    if "GET" in rule.methods
                    and rule.endpoint not in ("static", "candidate.open_invite", "auth.logout")
                    and (url := _fill(rule, ids))
                }
            )
        for url in urls:
            response = client.get(url)
            found = singular_problems(visible_text(response))
            if found:
                problems[f"{who} {url}"] = found
    assert problems == {}


def test_the_candidate_pages_never_say_1_with_a_plural(one_of_everything):
    app, db, role, _, submitted = one_of_everything
    made = invite_candidate(db, role, name="Bo Chen", email="bo@example.test", days=1)
    walker = Walker(app.test_client(), made.token)
    walker.open()
    pages = [walker.get("/assessment/")]
    walker.consent()
    pages += [walker.get("/assessment/page/1"), walker.post_page(1, {})]
    done = Walker(app.test_client(), submitted)
    done.open()
    pages += [
        done.client.get(url) for url in ("/assessment/done", "/my-data/", "/my-data/report.pdf")
    ]
    assert [page.status_code for page in pages[-3:]] == [200, 200, 200]
    problems = [found for page in pages for found in singular_problems(visible_text(page))]
    assert problems == []


def test_the_command_line_never_says_1_with_a_plural(one_of_everything, tmp_path):
    app, db, role, candidate_id, _ = one_of_everything
    folder = app.config["INSTANCE_PATH"]
    bad = tmp_path / "people.csv"
    bad.write_text("name,email\nSam,not-an-address\n", encoding="utf-8")
    problem = tmp_path / "incumbents.csv"
    problem.write_text(scores_csv(40).replace(",no,", ",maybe,", 1), encoding="utf-8")
    one = tmp_path / "one.csv"
    one.write_text(scores_csv(1), encoding="utf-8")
    commands = [
        ["roles", "list"],
        ["candidates", "list"],
        ["purge", "--dry-run", "--days", "1", "--audit-log-days", "1"],
        ["invite", str(bad), "--role", role["slug"]],
        ["incumbents", "import", str(problem), "--role", role["slug"]],
        ["incumbents", "import", str(one), "--role", role["slug"]],
        ["models", "list", "--role", role["slug"]],
        ["fairness", "export", role["slug"], str(tmp_path / "fairness.csv")],
    ]
    problems = {}
    for command in commands:
        result = CliRunner().invoke(cli, ["--instance", folder, *command])
        close_all()
        found = singular_problems(result.output)
        if (tmp_path / "fairness.csv").exists():
            found += singular_problems((tmp_path / "fairness.csv").read_text())
        if found:
            problems[" ".join(command)] = found
    assert problems == {}


ROOT = Path(__file__).resolve().parents[1]
COUNT_NOUNS = (
    "people|candidates|decisions|problems|rows|items|incumbents|hires|reports|days|files|"
    "answers|questions|pages|models|versions|accounts|users|roles|groups|scales|flags|checks|"
    "seconds|hours|notes|links|errors|applicants|scenarios|events|records|columns|lines|steps|"
    "respondents|cells|options|labels|points|features|migrations|performers|others|situations|"
    "statements|competencies|results|minutes|characters|weeks|months|years"
)
PY_COUNT = re.compile(r"\{([^{}]*)\}\s+(?:" + COUNT_NOUNS + r")\b")
TEMPLATE_COUNT = re.compile(r"\{\{([^{}]*)\}\}\s*(?:</?\w+[^>]*>\s*)*(?:" + COUNT_NOUNS + r")\b")
# Numbers that are never 1: constants and limits, the top of a range ("10-15 minutes"), the
# 30/60/90-day phases; and placeholders that are words, not numbers ("fit reports").
NEVER_ONE = re.compile(
    r"^\s*(?:[A-Z_]+(?::[^}]*)?|variant|run:\.0f|:g|phase|m\.module\.phase|q\.minutes\[1\]|"
    r"questionnaire\.minutes\[1\]|len\(questionnaire\.pages\)|\"\{:,\}\"\.format\(max_rows\))\s*$"
)


def test_no_source_prints_a_number_before_a_plural_noun_without_the_helper():
    found = []
    for path in [
        *sorted((ROOT / "hiring").rglob("*.py")),
        *sorted((ROOT / "templates").rglob("*.html")),
    ]:
        pattern = TEMPLATE_COUNT if path.suffix == ".html" else PY_COUNT
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in pattern.finditer(line):
                if not NEVER_ONE.match(match.group(1)):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {match.group(0)}")
    assert found == [], "use plural() or |plural for these:\n" + "\n".join(found)
