"""Time candidate reports against a one-paragraph WeasyPrint document rendered in the same run.

Run with ``python benchmarks/bench_reports.py [--repeat N]``. Prints the median
time of each and its ratio to the minimal document (target: a report within 8x),
and the same per page of the report, since WeasyPrint's cost grows with every line
laid out and a report is two or three pages against the baseline's one.
"in process" is the layout work alone; "via worker" adds the hop to the
time-limited child process that ``render_report`` uses. The jobs take turns in
every round so that load from other programs hits them alike; CPU time, which
such load barely moves, is shown beside wall time for the in-process jobs.
"""

import argparse
import statistics
import time
from collections.abc import Callable
from io import BytesIO

from pypdf import PdfReader
from weasyprint import HTML

from hiring.reports.pdf import html_to_pdf
from hiring.reports.render import default_worker, render_report, report_html
from hiring.reports.sample import sample_report

MINIMAL = (
    "<!doctype html><html><body><p>One short paragraph of text for the baseline.</p></body></html>"
)
TARGET_RATIO = 8.0
VARIANTS = ("fit", "onboarding")


def jobs() -> dict[str, Callable[[], object]]:
    """Return the baseline and the report jobs, by label."""
    data = sample_report()
    fit, onboarding = report_html(data, "fit"), report_html(data, "onboarding")
    return {
        "baseline: minimal document": lambda: HTML(string=MINIMAL).write_pdf(),
        "fit report, in process": lambda: html_to_pdf(fit, "A4"),
        "onboarding plan, in process": lambda: html_to_pdf(onboarding, "A4"),
        "fit report, via worker": lambda: render_report(data, "fit"),
        "onboarding plan, via worker": lambda: render_report(data, "onboarding"),
    }


def measure(named: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Warm every job up, then run them in turn ``repeat`` times; return median wall and CPU s."""
    for job in named.values():
        job()
    wall: dict[str, list[float]] = {name: [] for name in named}
    cpu: dict[str, list[float]] = {name: [] for name in named}
    for _ in range(repeat):
        for name, job in named.items():
            start_wall, start_cpu = time.perf_counter(), time.process_time()
            job()
            wall[name].append(time.perf_counter() - start_wall)
            cpu[name].append(time.process_time() - start_cpu)
    return {name: (statistics.median(wall[name]), statistics.median(cpu[name])) for name in named}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    try:
        results = measure(jobs(), args.repeat)
    finally:
        default_worker().close()
    (base_name, (base_wall, base_cpu)), *reports = results.items()
    data = sample_report()
    pages = {v: len(PdfReader(BytesIO(render_report(data, v))).pages) for v in VARIANTS}
    default_worker().close()
    print(f"{base_name:<30} wall {base_wall * 1000:7.1f} ms   cpu {base_cpu * 1000:7.1f} ms")
    for name, (wall, cpu) in reports:
        ratio = wall / base_wall
        verdict = "within target" if ratio <= TARGET_RATIO else f"over the {TARGET_RATIO:g}x target"
        cpu_part = (
            f"cpu {cpu * 1000:7.1f} ms ({cpu / base_cpu:4.1f}x)" if "in process" in name else ""
        )
        n = pages["fit" if name.startswith("fit") else "onboarding"]
        print(
            f"{name:<30} wall {wall * 1000:7.1f} ms = {ratio:4.1f}x  {verdict:<20} "
            f"{n} pages, {ratio / n:4.1f}x per page  {cpu_part}"
        )


if __name__ == "__main__":
    main()
