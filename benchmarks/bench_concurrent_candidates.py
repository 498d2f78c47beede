"""50 candidates answer and submit at once against the real waitress server on loopback.

Run:  python benchmarks/bench_concurrent_candidates.py [--candidates 50]

Prints the wall time and requests per second of the candidate journeys, and as the
baseline the requests per second of the same number of ``GET /healthz`` requests made with
the same concurrency in the same run; the ratio says what the real work costs. Then checks
that every answer was stored exactly once with the value sent, that every candidate has
exactly one result, and that no request failed.
"""

import argparse
import os
import random
import re
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SHOWN_RE = re.compile(r'name="shown"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, n: int) -> tuple[list[tuple[int, str]], object]:
    """Create the instance, a role and ``n`` invites; return (candidate id, token) pairs."""
    from hiring import create_app
    from hiring.candidates import invites
    from hiring.candidates.journey import candidate_questionnaire
    from hiring.roles import services as roles
    from hiring.store.db import close_all, get_db

    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench-secret"})
    db = get_db(app.config["DATABASE"])
    role = roles.create_role(db, title="Concurrency bench (synthetic)", actor="bench")
    rows = [
        invites.InviteRow(
            i + 2, f"Bench Candidate {i} (synthetic)", f"bench{i}@example.test", role["slug"]
        )
        for i in range(n)
    ]
    batch = invites.invite_rows(db, rows, days=1, synthetic=True)
    questionnaire = candidate_questionnaire(db, db["candidates"].get(batch.invited[0].candidate_id))
    close_all()
    return [(i.candidate_id, i.token) for i in batch.invited], questionnaire


class Candidate:
    """One browser-like client with its own cookies, walking every page."""

    def __init__(self, base: str, token: str, questionnaire, seed: int, stats: dict):
        self.base, self.token, self.q = base, token, questionnaire
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        rng = random.Random(seed)
        self.answers = {
            item_id: rng.randint(1, len(questionnaire.sjt_by_id[item_id].options))
            if item_id in questionnaire.sjt_by_id
            else rng.randint(1, questionnaire.response_scale.points)
            for item_id in questionnaire.item_ids
        }
        self.stats = stats

    def request(self, path: str, data: dict | None = None) -> str:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with self.stats["lock"]:
            self.stats["requests"] += 1
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                return response.read().decode()
        except (urllib.error.URLError, OSError) as error:
            with self.stats["lock"]:
                self.stats["failures"].append(f"{path}: {error}")
            raise

    def walk(self) -> None:
        landing = self.request(f"/a/{self.token}")
        csrf = CSRF_RE.search(landing).group(1)
        self.request("/assessment/", {"csrf_token": csrf, "consent": "y"})
        for number, page in enumerate(self.q.pages, start=1):
            html = self.request(f"/assessment/page/{number}")
            data = {"csrf_token": csrf, "shown": SHOWN_RE.search(html).group(1), "next": "Next"}
            data.update({f"a_{i}": str(self.answers[i]) for i in page.item_ids})
            after = self.request(f"/assessment/page/{number}", data)
            if 'id="error-summary"' in after:
                raise AssertionError(f"page {number} was not accepted")
        self.request("/assessment/about-you")
        done = self.request("/assessment/about-you", {"csrf_token": csrf, "skip": "Skip"})
        if "Thank you" not in done:
            raise AssertionError("no thank-you page after submitting")


def hammer_health(base: str, count: int, workers: int) -> float:
    """Return the seconds taken by ``count`` GETs of /healthz over ``workers`` threads."""

    def one(_: int) -> None:
        with urllib.request.urlopen(base + "/healthz", timeout=30) as response:
            response.read()

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(one, range(count)))
    return time.perf_counter() - started


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the server did not start") from None
            time.sleep(0.2)


def check_database(database: Path, candidates: list["Candidate"], ids: list[int]) -> dict:
    """Compare what is stored with what each candidate sent."""
    conn = sqlite3.connect(database)
    try:
        stored = conn.execute("select count(*) from answers").fetchone()[0]
        distinct = conn.execute(
            "select count(distinct candidate_id || '/' || item_id) from answers"
        ).fetchone()[0]
        results = conn.execute("select count(*) from results").fetchone()[0]
        mismatched = 0
        for candidate_id, candidate in zip(ids, candidates, strict=True):
            saved = dict(
                conn.execute(
                    "select item_id, value from answers where candidate_id = ?", [candidate_id]
                )
            )
            mismatched += saved != candidate.answers
        completed = conn.execute(
            "select count(*) from candidates where status = 'completed'"
        ).fetchone()[0]
    finally:
        conn.close()
    return {
        "answers": stored,
        "distinct": distinct,
        "results": results,
        "mismatched": mismatched,
        "completed": completed,
    }


def run(n: int = 50, folder: Path | None = None, threads: int = 8) -> dict:
    """Run the whole benchmark; return the figures and the database checks."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(folder or scratch) / "instance"
        pairs, questionnaire = prepare(folder, n)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {**os.environ, "HIRING_SECRET_KEY": "bench-secret", "HIRING_THREADS": str(threads)}
        log_path = folder.parent / "server.log"
        with open(log_path, "wb") as log:  # a file, not a pipe: a full pipe would stall the server
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hiring",
                    "--instance",
                    str(folder),
                    "serve",
                    "--port",
                    str(port),
                ],
                stdout=subprocess.DEVNULL,
                stderr=log,
                env=env,
            )
            try:
                wait_until_up(base, process)
                stats = {"requests": 0, "failures": [], "lock": threading.Lock()}
                people = [
                    Candidate(base, token, questionnaire, seed, stats)
                    for seed, (_, token) in enumerate(pairs)
                ]
                errors: list[str] = []
                started = time.perf_counter()
                with ThreadPoolExecutor(n) as pool:
                    for future in [pool.submit(p.walk) for p in people]:
                        try:
                            future.result()
                        except Exception as error:  # noqa: BLE001 - every failure is reported
                            errors.append(repr(error))
                elapsed = time.perf_counter() - started
                health_seconds = hammer_health(base, stats["requests"], n)
            finally:
                process.terminate()
                process.wait(timeout=30)
        server_log = log_path.read_text(errors="replace")
        checks = check_database(folder / "hiring.sqlite3", people, [cid for cid, _ in pairs])
    rate = stats["requests"] / elapsed
    baseline = stats["requests"] / health_seconds
    return {
        "candidates": n,
        "items": len(questionnaire.item_ids),
        "requests": stats["requests"],
        "failed_requests": len(stats["failures"]),
        "errors": errors,
        "seconds": elapsed,
        "requests_per_second": rate,
        "baseline_requests_per_second": baseline,
        "ratio": rate / baseline,
        "server_errors": [
            line for line in server_log.splitlines() if "Traceback" in line or "ERROR" in line
        ],
        **checks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8, help="waitress worker threads")
    args = parser.parse_args()
    figures = run(args.candidates, threads=args.threads)
    expected = figures["candidates"] * figures["items"]
    print(
        f"candidates            {figures['candidates']} in parallel, {figures['items']} items each"
    )
    print(f"requests              {figures['requests']} ({figures['failed_requests']} failed)")
    print(f"wall time             {figures['seconds']:.2f} s")
    print(f"journey requests/s    {figures['requests_per_second']:.0f}")
    print(
        f"baseline /healthz r/s {figures['baseline_requests_per_second']:.0f} (same count, same concurrency)"
    )
    print(f"ratio                 {figures['ratio']:.2f} of the baseline rate")
    print(
        f"answers stored        {figures['answers']} (expected {expected}, distinct {figures['distinct']}, "
        f"mismatched candidates {figures['mismatched']})"
    )
    print(
        f"results stored        {figures['results']} (completed candidates {figures['completed']})"
    )
    ok = (
        not figures["errors"]
        and figures["failed_requests"] == 0
        and figures["answers"] == figures["distinct"] == expected
        and figures["mismatched"] == 0
        and figures["results"] == figures["completed"] == figures["candidates"]
    )
    print(f"server errors logged  {len(figures['server_errors'])}")
    ok = ok and not figures["server_errors"]
    print("OK" if ok else f"FAILED: {figures['errors'][:3]}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
