"""Kill the server and the CLI commands at random moments; check that nothing is lost or left.

Run:  python benchmarks/fault_injection.py [--rounds 24] [--seed 1]

Builds a throwaway instance (a role with synthetic incumbents, an active model and assessed
candidates), then for a bounded number of rounds picks one target: the server (``hiring
serve`` on loopback while candidates answer pages over HTTP) or one of ``calibrate``,
``rescore``, ``reports``, ``purge`` and ``backup``. Each runs as its own process and gets
SIGKILL after a random delay within its measured run time (once in a while it finishes
first); any children it left are then stopped too, as a service manager would. The next
start (``hiring sweep``) then runs, and the instance is checked:

- every answer the server acknowledged (a page that answered with a redirect) is stored
  with the value sent;
- no row is half-applied: no foreign-key orphan, every submitted candidate has its result,
  the ranked-list columns agree with the stored fit, every model version has its derived
  profile and its file with the recorded SHA-256, no pending file deletion is left;
- no orphan file: no report file of a candidate who is gone, no temporary file in the
  models or reports folders, nor in the ``reports --out`` folder or the backups folder
  after the next run of that command.

At the end each command runs once more to completion, the last backup is restored into a
new instance, and every acknowledged answer is looked for there too. Prints its counts
and exits 1 if any check failed. Traffic goes to 127.0.0.1 only; every loop is bounded.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from http.cookiejar import CookieJar
from pathlib import Path

try:
    from benchmarks.bench_concurrent_candidates import CSRF_RE, SHOWN_RE, free_port, wait_until_up
    from benchmarks.bench_report_batch import build_instance
except ModuleNotFoundError:  # run as a script: benchmarks/ itself is on the path
    from bench_concurrent_candidates import CSRF_RE, SHOWN_RE, free_port, wait_until_up
    from bench_report_batch import build_instance

ROOT = Path(__file__).resolve().parent.parent
RECOVERED = (
    "file deletions finished",
    "orphaned report files removed",
    "orphaned model files removed",
    "model file renames finished",
)
TARGETS = ("server", "calibrate", "rescore", "reports", "purge", "backup")
ASSESSED = 4  # candidates with reports; enough for `reports` to take a few seconds
PURGE_BATCH = 3  # decided-long-ago candidates (with a cached report) added before each purge
SERVER_CANDIDATES = 6  # candidates answering over HTTP while the server runs
SECRET = "fault-injection-key"


class Instance:
    """The instance under test, the commands run on it and the checks made of it."""

    def __init__(self, folder: Path, seed: int):
        self.folder = folder / "instance"
        self.out = folder / "out"
        self.backups = folder / "backups"
        self.rng = random.Random(seed)
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "HIRING_SECRET_KEY": SECRET}
        self.acknowledged: dict[tuple[int, str], int] = {}
        self.erasable: dict[int, str] = {}  # candidate id -> name, for the purge
        self.counts: Counter = Counter()
        self.problems: list[str] = []
        self.backup_number = 0

    # -- setting up -------------------------------------------------------------------
    def build(self) -> None:
        """Assessed candidates, incumbents and an active model, through the real use cases."""
        from hiring import create_app
        from hiring.demo.synthetic import FEATURE_IDS, simulate_incumbents
        from hiring.modeling import calibration
        from hiring.modeling.incumbents import Criterion
        from hiring.roles.services import get_role_by_slug
        from hiring.store.db import close_all, get_db

        self.slug = build_instance(self.folder, ASSESSED)
        app = create_app({"INSTANCE_PATH": str(self.folder), "SECRET_KEY": SECRET})
        db = get_db(app.config["DATABASE"])
        role = get_role_by_slug(db, self.slug)
        sample = simulate_incumbents(120, validity=0.6, random_state=3)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["employee_id", *FEATURE_IDS, "high_performer"])
        for i, person in enumerate(sample.ids):
            outcome = "yes" if sample.high_performer[i] else "no"
            writer.writerow([person, *(f"{v:.2f}" for v in sample.features[i]), outcome])
        calibration.import_incumbents(
            db, role["id"], out.getvalue(), Criterion("high_performer"), synthetic=True
        )
        version = calibration.calibrate_role(db, self.folder, role["id"], repeats=1)
        calibration.activate_version(db, self.folder, version.id)
        self.role_id = role["id"]
        close_all()

    def add_purgeable(self) -> None:
        """Add candidates decided long ago, each with a cached report naming them."""
        from hiring import create_app
        from hiring.candidates import invites, journey
        from hiring.candidates.submission import submit_assessment
        from hiring.store.db import close_all, get_db

        app = create_app({"INSTANCE_PATH": str(self.folder), "SECRET_KEY": SECRET})
        db = get_db(app.config["DATABASE"])
        for _ in range(PURGE_BATCH):
            number = self.rng.randrange(10**9)
            name = f"Erasable Person {number}"
            made = invites.invite_candidate(
                db, role_slug=self.slug, name=name, email=f"e{number}@example.test", days=14
            )
            _answer_all(db, journey, made.candidate_id, self.rng)
            submit_assessment(db, made.candidate_id, instance_path=self.folder)
            db.execute(
                "UPDATE candidates SET status = 'rejected', decided_at = ? WHERE id = ?",
                ["2001-01-01T00:00:00+00:00", made.candidate_id],
            )
            report = self.folder / "reports" / f"{made.candidate_id}-fit-{number:024d}.pdf"
            report.parent.mkdir(exist_ok=True)
            report.write_bytes(f"%PDF-1.7 report of {name}\n%%EOF".encode())
            self.erasable[made.candidate_id] = name
        close_all()

    # -- running and killing ----------------------------------------------------------
    def command(self, target: str) -> list[str]:
        base = [sys.executable, "-m", "hiring", "--instance", str(self.folder)]
        if target == "calibrate":
            return [*base, "calibrate", "--role", self.slug, "--repeats", "1"]
        if target == "rescore":
            return [*base, "rescore", "--role", self.slug]
        if target == "reports":
            return [*base, "reports", "--role", self.slug, "--out", str(self.out), "--jobs", "1"]
        if target == "purge":
            return [*base, "purge", "--days", "30"]
        if target == "backup":
            self.backup_number += 1
            return [*base, "backup", str(self.backups / f"backup-{self.backup_number}")]
        if target == "sweep":
            return [*base, "sweep"]
        raise ValueError(target)

    def run(self, target: str, kill_after: float | None) -> tuple[bool, float]:
        """Run a command, SIGKILLed after ``kill_after`` s; return (killed, seconds run)."""
        started = time.monotonic()
        process = subprocess.Popen(
            self.command(target),
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=kill_after if kill_after is not None else 600)
            killed = False
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            killed = True
            time.sleep(0.5)  # a moment for the children to notice, as under a service manager
            _stop_group(process.pid)
            out, err = process.communicate(timeout=60)
        if target == "sweep":
            self._count_recovery(out.decode())
        _stop_group(process.pid)
        if not killed and process.returncode not in (0, 1):
            self.problems.append(f"{target} exited {process.returncode}: {err.decode()[-300:]}")
        return killed, time.monotonic() - started

    def serve_and_kill(self, kill_after: float) -> tuple[bool, int]:
        """Serve while candidates answer; SIGKILL the server; return (killed, pages acked)."""
        tokens = self._invite(SERVER_CANDIDATES)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "hiring", "--instance", str(self.folder)]
        command += ["serve", "--port", str(port)]
        process = subprocess.Popen(
            command,
            env={**self.env, "HIRING_THREADS": "4"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        acked_before = len(self.acknowledged)
        try:
            wait_until_up(base, process)
            lock = threading.Lock()
            walkers = [
                threading.Thread(target=self._walk, args=(base, cid, token, lock), daemon=True)
                for cid, token in tokens
            ]
            for walker in walkers:
                walker.start()
            time.sleep(kill_after)
            killed = process.poll() is None
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=60)
            for walker in walkers:
                walker.join(90)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=60)
            _stop_group(process.pid)
        return killed, len(self.acknowledged) - acked_before

    def _invite(self, n: int) -> list[tuple[int, str]]:
        from hiring import create_app
        from hiring.candidates import invites
        from hiring.store.db import close_all, get_db

        app = create_app({"INSTANCE_PATH": str(self.folder), "SECRET_KEY": SECRET})
        db = get_db(app.config["DATABASE"])
        made = []
        for _ in range(n):
            number = self.rng.randrange(10**9)
            invite = invites.invite_candidate(
                db,
                role_slug=self.slug,
                name=f"Walker {number}",
                email=f"w{number}@example.test",
                days=14,
            )
            made.append((invite.candidate_id, invite.token))
        self.questionnaire = _questionnaire(db, made[0][0])
        close_all()
        return made

    def _walk(self, base: str, candidate_id: int, token: str, lock: threading.Lock) -> None:
        """Answer page after page over HTTP; record every page the server acknowledged.

        A page is acknowledged by its redirect to the next page: the answers are committed
        before the server sends it. Redirects are not followed, so that one that arrives
        just before the kill still counts.
        """
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), _KeepRedirects()
        )
        rng = random.Random(candidate_id)

        def call(path: str, data: dict | None = None) -> tuple[int, str]:
            body = urllib.parse.urlencode(data).encode() if data is not None else None
            try:
                with opener.open(base + path, data=body, timeout=30) as response:
                    return response.status, response.read().decode()
            except urllib.error.HTTPError as answer:
                return answer.code, answer.headers.get("Location", "")

        try:
            call(f"/a/{token}")
            _, start = call("/assessment/")
            csrf = CSRF_RE.search(start).group(1)
            call("/assessment/", {"csrf_token": csrf, "consent": "y"})
            for number, page in enumerate(self.questionnaire.pages, start=1):
                _, html = call(f"/assessment/page/{number}")
                answers = {i: rng.randint(1, _top(self.questionnaire, i)) for i in page.item_ids}
                data = {"csrf_token": csrf, "shown": SHOWN_RE.search(html).group(1), "next": "1"}
                data.update({f"a_{i}": str(v) for i, v in answers.items()})
                status, location = call(f"/assessment/page/{number}", data)
                if status == 302 and location.endswith((f"/page/{number + 1}", "/about-you")):
                    with lock:
                        self.acknowledged.update({(candidate_id, i): v for i, v in answers.items()})
            call("/assessment/about-you")
            call("/assessment/about-you", {"csrf_token": csrf, "skip": "Skip"})
        except (urllib.error.URLError, OSError, AttributeError):
            return  # the server was killed: what was acknowledged before counts

    def _count_recovery(self, said: str) -> None:
        """Add up what the start after a kill had to repair (``hiring sweep`` says it)."""
        numbers = [int(n) for n in re.findall(r"\d+", said.split("Swept the instance:")[-1])]
        if len(numbers) == 4:
            for name, n in zip(RECOVERED, numbers, strict=True):
                self.counts[f"recovered: {name}"] += n

    # -- checking ---------------------------------------------------------------------
    def check(self, label: str) -> None:
        """Run the next start's recovery, then every check; record what failed."""
        self.run("sweep", None)
        database = self.folder / "hiring.sqlite3"
        conn = sqlite3.connect(database)
        try:
            self._check_rows(conn, label)
            self._check_files(conn, label)
        finally:
            conn.close()

    def _check_rows(self, conn: sqlite3.Connection, label: str) -> None:
        stored = {
            (cid, item): value
            for cid, item, value in conn.execute("SELECT candidate_id, item_id, value FROM answers")
        }
        lost = [key for key, value in self.acknowledged.items() if stored.get(key) != value]
        self.counts["lost answers"] += len(lost)
        half = []
        half += [f"foreign key {row}" for row in conn.execute("PRAGMA foreign_key_check")]
        half += [
            f"candidate {row[0]} submitted without a result"
            for row in conn.execute(
                "SELECT c.id FROM candidates c LEFT JOIN results r ON r.candidate_id = c.id "
                "WHERE c.submitted_at IS NOT NULL AND r.candidate_id IS NULL"
            )
        ]
        half += [
            f"candidate {row[0]}: ranked-list band differs from the stored fit"
            for row in conn.execute(
                "SELECT c.id FROM candidates c JOIN results r ON r.candidate_id = c.id "
                "WHERE r.fit IS NOT NULL AND c.band IS NOT json_extract(r.fit, '$.band')"
            )
        ]
        half += [
            f"model version {row[0]} without its derived profile"
            for row in conn.execute(
                "SELECT m.id FROM model_versions m LEFT JOIN profile_versions p "
                "ON p.model_version_id = m.id WHERE p.id IS NULL"
            )
        ]
        pending = conn.execute("SELECT count(*) FROM pending_file_deletions").fetchone()[0]
        half += [f"{pending} pending file deletions left"] if pending else []
        self.counts["half-applied rows"] += len(half)
        self.problems += [f"{label}: {p}" for p in lost[:3] + half[:5]]

    def _check_files(self, conn: sqlite3.Connection, label: str) -> None:
        import hashlib

        orphans = []
        versions = dict(conn.execute("SELECT file_name, sha256 FROM model_versions"))
        models = self.folder / "models"
        for path in sorted(models.iterdir()) if models.is_dir() else []:
            if versions.get(path.name) != hashlib.sha256(path.read_bytes()).hexdigest():
                orphans.append(f"model file {path.name}")
        orphans += [
            f"model file of version row {n} missing" for n in versions if not (models / n).is_file()
        ]
        people = {row[0] for row in conn.execute("SELECT id FROM candidates")}
        erased = [name.encode() for cid, name in self.erasable.items() if cid not in people]
        self.counts["erased candidates (at this check)"] = len(erased)
        reports = self.folder / "reports"
        for path in sorted(reports.rglob("*")) if reports.is_dir() else []:
            owner = path.name.split("-")[0]
            if path.name.endswith(".part") or not owner.isdigit() or int(owner) not in people:
                orphans.append(f"report file {path.name}")
            elif any(name in path.read_bytes() for name in erased):
                orphans.append(f"report file {path.name} of an erased person")
        self.counts["orphan files"] += len(orphans)
        self.problems += [f"{label}: {p}" for p in orphans[:5]]

    def check_leftovers(self) -> None:
        """After a last full run of each command: no temporary file or partial backup."""
        leftovers = [p for p in self.out.glob("*.part")] if self.out.is_dir() else []
        leftovers += [p for p in self.backups.glob(".*.part")] if self.backups.is_dir() else []
        for pdf in self.out.glob("*.pdf") if self.out.is_dir() else []:
            body = pdf.read_bytes()
            if not body.startswith(b"%PDF") or b"%%EOF" not in body[-1024:]:
                leftovers.append(pdf)
        self.counts["orphan files"] += len(leftovers)
        self.problems += [f"left behind: {p.name}" for p in leftovers[:5]]

    def check_restore(self) -> None:
        """Restore the last backup; every acknowledged answer must be in it."""
        last = self.backups / f"backup-{self.backup_number}"
        restored = self.folder.parent / "restored"
        command = [
            sys.executable,
            "-m",
            "hiring",
            "--instance",
            str(restored),
            "restore",
            str(last),
        ]
        done = subprocess.run(command, env=self.env, capture_output=True, check=False)
        if done.returncode != 0:
            self.problems.append(f"restore failed: {done.stderr.decode()[-300:]}")
            return
        conn = sqlite3.connect(restored / "hiring.sqlite3")
        try:
            stored = dict(
                ((cid, item), value)
                for cid, item, value in conn.execute(
                    "SELECT candidate_id, item_id, value FROM answers"
                )
            )
        finally:
            conn.close()
        lost = [key for key, value in self.acknowledged.items() if stored.get(key) != value]
        self.counts["answers missing from the restored backup"] += len(lost)
        self.problems += [f"restore lost {key}" for key in lost[:3]]


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hand redirects back to the caller instead of following them."""

    def redirect_request(self, *args, **kwargs):
        return None


def _top(questionnaire, item_id: str) -> int:
    if item_id in questionnaire.sjt_by_id:
        return len(questionnaire.sjt_by_id[item_id].options)
    return questionnaire.response_scale.points


def _questionnaire(db, candidate_id: int):
    from hiring.candidates.journey import candidate_questionnaire

    return candidate_questionnaire(db, db["candidates"].get(candidate_id))


def _answer_all(db, journey, candidate_id: int, rng: random.Random) -> None:
    journey.give_consent(db, candidate_id)
    questionnaire = _questionnaire(db, candidate_id)
    for index, page in enumerate(questionnaire.pages):
        answers = {i: rng.randint(1, _top(questionnaire, i)) for i in page.item_ids}
        journey.save_page(db, candidate_id, index, answers, seconds=30.0)


def _stop_group(pid: int) -> None:
    """Stop what is left of a killed command's process group (its render children)."""
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def run(rounds: int = 24, seed: int = 1, folder: Path | None = None) -> dict:
    """Build an instance, kill ``rounds`` times, check after each; return the counts."""
    with tempfile.TemporaryDirectory(prefix="fault-injection-") as scratch:
        instance = Instance(Path(folder or scratch), seed)
        instance.build()
        durations = {}
        for target in TARGETS[1:]:  # measure each command's run time: the kill window
            if target == "purge":
                instance.add_purgeable()
            durations[target] = instance.run(target, None)[1]
        durations["server"] = 8.0
        order = [TARGETS[i % len(TARGETS)] for i in range(rounds)]
        instance.rng.shuffle(order)
        for number, target in enumerate(order, start=1):
            delay = instance.rng.uniform(0.05, durations[target] * 1.1)
            if target == "purge":
                instance.add_purgeable()
            if target == "server":
                killed, acked = instance.serve_and_kill(delay)
                instance.counts["pages acknowledged"] += acked
            else:
                killed, _ = instance.run(target, delay)
            instance.counts[f"{target} {'killed' if killed else 'finished first'}"] += 1
            instance.check(f"round {number} ({target} at {delay:.2f} s)")
        for target in TARGETS[1:]:  # a last full run: each sweeps what its killed runs left
            instance.run(target, None)
        instance.check("after the last full runs")
        instance.check_leftovers()
        instance.check_restore()
        instance.counts["answers acknowledged"] = len(instance.acknowledged)
        return {
            "rounds": rounds,
            "durations": durations,
            "counts": dict(instance.counts),
            "problems": instance.problems,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    figures = run(args.rounds, args.seed)
    print(f"rounds                 {figures['rounds']} (seed {args.seed})")
    runs = ", ".join(f"{k} {v:.1f} s" for k, v in figures["durations"].items())
    print(f"kill windows           {runs}")
    for key, value in sorted(figures["counts"].items()):
        print(f"{key:<40} {value}")
    print(f"wall time              {time.perf_counter() - started:.0f} s")
    for problem in figures["problems"]:
        print(f"PROBLEM: {problem}")
    print("OK" if not figures["problems"] else f"FAILED: {len(figures['problems'])} problems")
    sys.exit(1 if figures["problems"] else 0)


if __name__ == "__main__":
    main()
