"""50 candidates answer and submit at once against waitress: nothing lost, nothing doubled."""

import pytest

from benchmarks.bench_concurrent_candidates import run


@pytest.mark.slow
def test_fifty_concurrent_candidates_store_every_answer_exactly_once(tmp_path):
    figures = run(50, folder=tmp_path)
    assert figures["errors"] == [] and figures["failed_requests"] == 0
    assert figures["server_errors"] == []
    assert figures["answers"] == figures["distinct"] == 50 * figures["items"]
    assert figures["mismatched"] == 0
    assert figures["results"] == figures["completed"] == 50
