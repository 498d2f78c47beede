"""The fault-injection run, shortened: one kill of the server and of each command."""

import pytest

from benchmarks.fault_injection import TARGETS, run


@pytest.mark.slow
def test_killing_the_server_and_each_command_loses_and_leaves_nothing(tmp_path):
    figures = run(rounds=len(TARGETS), seed=7, folder=tmp_path)
    counts = figures["counts"]
    assert figures["problems"] == []
    assert counts["lost answers"] == counts["half-applied rows"] == counts["orphan files"] == 0
    assert counts["answers missing from the restored backup"] == 0
    assert sum(v for k, v in counts.items() if k.endswith(("killed", "finished first"))) == 6
