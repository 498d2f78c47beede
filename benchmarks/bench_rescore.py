"""Benchmark: re-score a role of many candidates in chunks, against a bare-SQL floor.

Run ``python benchmarks/bench_rescore.py [--n 100000]``. It builds a temporary instance with
a calibrated, active model (synthetic incumbents), submits one real candidate, and clones
that candidate's stored scores into ``n`` candidates of the role. It then times:

- the floor: one bare ``UPDATE`` of the same ``results`` and ``candidates`` columns for every
  candidate, in one transaction, with no model and no audit rows;
- ``rescore_role``: the fit of every candidate with the active model, written in chunks.

It prints the total time, the cost per candidate and its ratio to the floor's, and the
longest single write transaction of the re-score (the time other writers may have to wait),
which is what the chunking bounds: the target is at most about 250 ms.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from calibration_data import calibrated_role  # noqa: E402
from candidate_records import assessed_candidate  # noqa: E402

from hiring import create_app  # noqa: E402
from hiring.accounts.audit import now_iso  # noqa: E402
from hiring.modeling import rescoring  # noqa: E402
from hiring.store.db import close_all, get_db, write_transaction  # noqa: E402

TARGET_LONGEST_WRITE_MS = 250.0


def _clone(db, source_id: int, n: int) -> None:
    """Insert ``n`` candidates with the source candidate's row and stored scores."""
    source = db["candidates"].get(source_id)
    result = db["results"].get(source_id)
    batch = 5_000
    with write_transaction(db):
        next_id = source_id + 1
        for start in range(0, n, batch):
            rows, results = [], []
            for i in range(start, min(n, start + batch)):
                rows.append(
                    {**source, "id": next_id, "name": f"Clone {i}",
                     "email": f"clone{i}@example.test", "token_hash": f"clone-{i}"}
                )  # fmt: skip
                results.append({**result, "candidate_id": next_id, "model_version_id": None})
                next_id += 1
            db["candidates"].insert_all(rows)
            db["results"].insert_all(results)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="candidates to re-score")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"INSTANCE_PATH": folder, "DATABASE": str(Path(folder) / "bench.sqlite3")})
        db = get_db(app.config["DATABASE"])
        role, version = calibrated_role(app, db)
        first, _ = assessed_candidate(app, db, role, "First Person", "first@example.test")
        print(f"Building {args.n:,} candidates ...", flush=True)
        _clone(db, first, args.n)
        total = args.n + 1

        started = time.perf_counter()
        with write_transaction(db):
            stamp = now_iso()
            db.execute(
                "UPDATE results SET model_version_id = ?, scored_at = ? WHERE candidate_id IN "
                "(SELECT id FROM candidates WHERE role_id = ?)",
                [version.id, stamp, role["id"]],
            )
            db.execute(
                "UPDATE candidates SET fit = fit, band = band WHERE role_id = ?", [role["id"]]
            )
            db.execute("UPDATE results SET model_version_id = NULL, scored_at = '2000-01-01'")
        floor = time.perf_counter() - started

        writes: list[float] = []
        write = rescoring._write_chunk

        def timed(*args):
            began = time.perf_counter()
            try:
                return write(*args)
            finally:
                writes.append(time.perf_counter() - began)

        rescoring._write_chunk = timed
        started = time.perf_counter()
        result = rescoring.rescore_role(db, folder, role["id"], actor="benchmark")
        elapsed = time.perf_counter() - started
        close_all()
    per, floor_per = elapsed / total, floor / total
    longest = max(writes) * 1000
    print(f"candidates re-scored         {result.n:,} (of {total:,})")
    print(f"bare-SQL floor               {floor:8.2f} s  ({floor_per * 1e6:7.1f} us per candidate)")
    print(f"re-score, chunked            {elapsed:8.2f} s  ({per * 1e6:7.1f} us per candidate)")
    print(f"ratio to the floor           {per / floor_per:8.1f}x per candidate")
    print(
        f"write transactions           {len(writes):,}, mean {1000 * sum(writes) / len(writes):.0f} ms"
    )
    print(
        f"longest write transaction    {longest:8.0f} ms (target <= {TARGET_LONGEST_WRITE_MS:.0f} ms)"
    )
    print(f"re-scores per hour           {3600 / elapsed:8.1f} of this size")
    return 0 if longest <= TARGET_LONGEST_WRITE_MS else 1


if __name__ == "__main__":
    raise SystemExit(main())
