"""Throughput of the API's results GET against ``GET /healthz``, on the real server.

Run:  python benchmarks/bench_api_results.py [--candidates 20] [--requests 400] [--threads 8]

Builds an instance with assessed candidates and an API key, starts ``hiring serve`` on
loopback, and sends ``--requests`` calls of ``GET /api/v1/candidates/ID/results`` (key
check, per-key rate count and audit record included) over ``--threads`` threads, then the
same number of ``GET /healthz`` with the same concurrency, in the same run. It prints both
rates and their ratio: what a results call costs compared with the cheapest request the
server answers.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(folder: Path, n: int) -> tuple[list[int], str]:
    """Create an instance with ``n`` assessed candidates and a key; return their ids and it."""
    from hiring import create_app
    from hiring.accounts import api_keys
    from hiring.candidates import invites, journey, submission
    from hiring.roles import services as roles
    from hiring.store.db import close_all, get_db

    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "bench-secret"})
    db = get_db(app.config["DATABASE"])
    role = roles.create_role(db, title="API bench (synthetic)", actor="bench")
    q = roles.role_questionnaire(role)
    ids = []
    for i in range(n):
        invite = invites.invite_candidate(
            db, role_slug=role["slug"], name=f"Bench {i} (synthetic)",
            email=f"bench{i}@example.test", days=1, actor="bench", synthetic=True,
        )  # fmt: skip
        journey.give_consent(db, invite.candidate_id)
        for index, page in enumerate(q.pages):
            answers = {}
            for item_id in page.item_ids:
                item = q.likert_by_id.get(item_id)
                if item is None:
                    answers[item_id] = 1 + (i + index) % len(q.sjt_by_id[item_id].options)
                else:
                    answers[item_id] = (
                        item.expected[0] if item.kind == "attention" else 1 + (i + index) % 5
                    )
            journey.save_page(db, invite.candidate_id, index, answers, seconds=60.0)
        submission.submit_assessment(db, invite.candidate_id, instance_path=str(folder))
        ids.append(invite.candidate_id)
    key = api_keys.create_key(db, "bench", ("candidates:read",), actor="bench")[1]
    close_all()
    return ids, key


def timed(urls: list[str], headers: dict, threads: int) -> float:
    """Return the seconds taken to GET every URL (each must answer 200) over ``threads``."""

    def get(url: str) -> None:
        request = urllib.request.Request(url, headers=headers)
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
            response.read()

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(get, urls))
    return time.perf_counter() - started


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("The server stopped while starting.")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("The server did not start in time.")


def run(n: int, requests: int, threads: int) -> dict:
    """Run the benchmark and return its figures."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "instance"
        ids, key = prepare(folder, n)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = {
            **os.environ, "HIRING_SECRET_KEY": "bench-secret", "HIRING_API_RATE_LIMIT": "1000000",
        }  # fmt: skip
        command = [
            sys.executable,
            "-m",
            "hiring",
            "--instance",
            str(folder),
            "serve",
            "--port",
            str(port),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        try:
            wait_until_up(base, process)
            results = [f"{base}/api/v1/candidates/{ids[i % n]}/results" for i in range(requests)]
            timed(results[: threads * 2], {"Authorization": f"Bearer {key}"}, threads)  # warm up
            results_seconds = timed(results, {"Authorization": f"Bearer {key}"}, threads)
            health_seconds = timed([f"{base}/healthz"] * requests, {}, threads)
        finally:
            process.terminate()
            process.wait(timeout=30)
    return {
        "requests": requests, "threads": threads, "candidates": n,
        "results_per_second": round(requests / results_seconds, 1),
        "healthz_per_second": round(requests / health_seconds, 1),
        "ratio": round(health_seconds / results_seconds, 3),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    figures = run(args.candidates, args.requests, args.threads)
    print(json.dumps(figures, indent=2))
    print(
        f"results GET: {figures['results_per_second']} requests/s; /healthz (baseline, same run): "
        f"{figures['healthz_per_second']} requests/s; ratio {figures['ratio']} of the baseline's rate"
    )


if __name__ == "__main__":
    main()
