"""Time ``hiring reports`` for a role of synthetic candidates on one core and on every core.

Run with ``python benchmarks/bench_report_batch.py [--candidates 100] [--repeat 1]``. It
builds a throwaway instance with synthetic candidates who went through the real use cases
(invite, consent, answer every page, submit), then runs the real command line,
``hiring reports --role ROLE --out DIR --jobs N``, as a separate process with ``--jobs 1``
(the baseline) and with ``--jobs`` = the number of CPU cores, taking turns in every round.
It prints the median wall time of each, the time per report and the speed-up ratio.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from hiring import create_app
from hiring.candidates import invites, journey
from hiring.candidates.submission import submit_assessment
from hiring.demo.synthetic import simulate_applicants
from hiring.roles import services as roles
from hiring.store.db import close_all, get_db

ROLE_TITLE = "Benchmark agent (synthetic)"


def build_instance(folder: Path, n: int) -> str:
    """Create an instance with ``n`` assessed synthetic candidates; return the role's slug."""
    app = create_app({"INSTANCE_PATH": str(folder), "SECRET_KEY": "benchmark"})
    db = get_db(app.config["DATABASE"])
    role = roles.create_role(db, title=ROLE_TITLE, location="Remote", actor="benchmark")
    questionnaire = roles.role_questionnaire(role)
    sample = simulate_applicants(n, questionnaire=questionnaire, random_state=7)
    rows = [
        invites.InviteRow(i + 2, person.name, person.email, role["slug"])
        for i, person in enumerate(sample.people)
    ]
    batch = invites.invite_rows(db, rows, days=14, actor="benchmark", synthetic=True)
    column = {item_id: j for j, item_id in enumerate(questionnaire.item_ids)}
    rng = np.random.default_rng(7)
    for invite, responses in zip(batch.invited, sample.responses, strict=True):
        journey.give_consent(db, invite.candidate_id)
        for index, page in enumerate(questionnaire.pages):
            answers = {i: int(responses[column[i]]) for i in page.item_ids}
            seconds = float(len(page.item_ids) * rng.uniform(4.0, 9.0))
            journey.save_page(db, invite.candidate_id, index, answers, seconds=seconds)
        submit_assessment(db, invite.candidate_id, instance_path=app.instance_path)
    close_all()
    return role["slug"]


def run_batch(instance: Path, slug: str, jobs: int, out: Path) -> float:
    """Run ``hiring reports`` once in a fresh process; return its wall time in seconds."""
    command = [sys.executable, "-m", "hiring", "--instance", str(instance), "reports"]
    command += ["--role", slug, "--out", str(out), "--jobs", str(jobs)]
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"hiring reports --jobs {jobs} failed:\n{done.stdout}\n{done.stderr}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-report-batch-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        slug = build_instance(folder / "instance", args.candidates)
        print(
            f"{args.candidates} synthetic candidates assessed in {time.perf_counter() - start:.1f} s"
        )
        times: dict[int, list[float]] = {1: [], cores: []}
        for round_number in range(args.repeat):
            for jobs in times:
                out = folder / f"out-{jobs}-{round_number}"
                times[jobs].append(run_batch(folder / "instance", slug, jobs, out))
                assert len(list(out.glob("*.pdf"))) == args.candidates
    base = statistics.median(times[1])
    per = base / args.candidates * 1000
    print(f"baseline: --jobs 1        wall {base:7.1f} s  ({per:6.0f} ms per report)")
    if cores == 1:
        print("Only one CPU core: there is no parallel speed-up to measure.")
        return
    wall = statistics.median(times[cores])
    per = wall / args.candidates * 1000
    print(
        f"all cores: --jobs {cores:<6} wall {wall:7.1f} s  ({per:6.0f} ms per report) "
        f"= {base / wall:4.2f}x speed-up on {cores} cores"
    )


if __name__ == "__main__":
    main()
