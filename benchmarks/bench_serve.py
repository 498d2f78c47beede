"""Benchmark: `hiring serve` over HTTP, against bare waitress serving the same bytes.

Run ``python benchmarks/bench_serve.py [--quick] [--n 100000] [--seconds 3]``. It builds a
temporary instance with ``n`` candidates in one role (as ``bench_ranked_list.py`` does) and
a second role whose candidates answer through their real links, then starts, one after the
other, the servers a user would start:

- ``hiring serve`` with ``HIRING_WORKERS=1`` (one waitress process),
- ``hiring serve`` with the default, one gunicorn worker per core,
- bare waitress (same threads) whose WSGI app returns the bytes ``hiring serve`` sent for
  each request: the baseline, what serving those bytes costs with no app at all.

Against each it drives 1, 8 and 32 concurrent clients (threads, one keep-alive
``http.client`` connection each) through four requests: the ranked list of the 100,000
candidates (signed in as a recruiter), a recruiter's page of one scored candidate, a
candidate's questionnaire page, and that candidate sending the page's answers (a POST with
the CSRF token from the page). For every run it prints requests/s, p50/p95 latency and the
CPU time the server's processes used per request (from /proc, so other load on the machine
does not inflate it; the idle task-queue worker beside ``hiring serve`` is not counted),
with the ratio of that cost to bare waitress's. Then the targets:
each page's server cost within 5x of bare waitress's (one process, one client), at least
1.7x more requests/s with all workers than with one on two cores (32 clients), and a
ranked-list p95 of at most 100 ms at 32 clients. The machine's load average is printed at
the start and the end: the servers share the cores with whatever else runs.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

CLIENTS = (1, 8, 32)
TARGET_COST_RATIO = 5.0
TARGET_SPEEDUP = 1.7
TARGET_LIST_P95_MS = 100.0
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SHOWN_RE = re.compile(r'name="shown"[^>]*value="([^"]+)"')
SECRET = "bench-serve-secret"
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Request:
    """One HTTP request as a client sends it."""

    method: str
    path: str
    cookie: str
    body: bytes = b""
    expect: int = 200  # the status that means it worked


@dataclass
class Run:
    """What one server did for one case at one number of clients."""

    latencies: list[float]
    seconds: float
    cpu: float
    errors: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def cpu_ms(self) -> float:
        return self.cpu / max(len(self.latencies), 1) * 1000

    def p(self, q: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] * 1000 if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[q - 1] * 1000


@dataclass
class Server:
    """A started server process and its port."""

    label: str
    process: subprocess.Popen
    port: int
    results: dict[tuple[str, int], Run] = field(default_factory=dict)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_cpu(root: int) -> float:
    """CPU seconds (user + system) used so far by ``root`` and every process below it that
    serves HTTP: the task-queue worker beside ``hiring serve`` is left out."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            queue_worker = (entry / "cmdline").read_bytes().endswith(b"hiring\0worker\0")
        except OSError:
            continue  # ended meanwhile
        parents[int(entry.name)] = int(fields[1])
        times[int(entry.name)] = (
            0.0 if queue_worker else (int(fields[11]) + int(fields[12])) / TICKS
        )
    total, todo = 0.0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0.0)
        todo.extend(child for child, parent in parents.items() if parent == pid)
    return total


def send(conn: http.client.HTTPConnection, request: Request) -> http.client.HTTPResponse:
    headers = {"Cookie": request.cookie} if request.cookie else {}
    if request.method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(request.method, request.path, body=request.body or None, headers=headers)
    response = conn.getresponse()
    response.read()
    return response


def drive(port: int, requests: list[Request], clients: int, seconds: float) -> tuple[list, int]:
    """Send requests from ``clients`` threads for ``seconds``; return latencies and errors."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.perf_counter() + seconds
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        request, mine = requests[index % len(requests)], []
        barrier.wait()
        while time.perf_counter() < stop:
            started = time.perf_counter()
            try:
                status = send(conn, request).status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            if status != request.expect:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def measure(server: Server, case: str, requests: list[Request], clients: int, seconds: float):
    drive(server.port, requests, clients, min(seconds / 4, 0.5))  # warm every worker up
    cpu = tree_cpu(server.process.pid)
    started = time.perf_counter()
    latencies, errors = drive(server.port, requests, clients, seconds)
    elapsed = time.perf_counter() - started
    run = Run(latencies, elapsed, tree_cpu(server.process.pid) - cpu, errors)
    server.results[(case, clients)] = run
    return run


def wait_until_up(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            if send(conn, Request("GET", "/healthz", "")).status == 200:
                conn.close()
                return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the server did not start")
        time.sleep(0.2)


def start_hiring(folder: Path, workers: int, log) -> Server:
    """Start ``hiring serve`` as a user would, with HIRING_WORKERS set (0: one per core)."""
    port = free_port()
    env = {
        **os.environ,
        "HIRING_SECRET_KEY": SECRET,
        "HIRING_WORKERS": str(workers),
    }
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "hiring", "--instance", str(folder), "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=log,
        env=env,
    )
    wait_until_up(port, process)
    count = workers or os.cpu_count() or 1  # 0: the default, one per core
    label = "hiring serve, 1 worker" if count == 1 else f"hiring serve, {count} workers"
    return Server(label, process, port)


def start_bare(recorded: Path, threads: int, log) -> Server:
    """Start bare waitress serving the recorded responses."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and this script
        [sys.executable, __file__, "--bare", str(recorded), "--port", str(port),
         "--threads", str(threads)],
        stdout=subprocess.DEVNULL,
        stderr=log,
    )  # fmt: skip
    wait_until_up(port, process)
    return Server("bare waitress", process, port)


def stop(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


def bare_app(recorded: dict):
    """A WSGI app that answers each (method, path) with the recorded status, type and body."""
    answers = {
        key: (status, [("Content-Type", kind), *([("Location", where)] if where else [])],
              body.encode())
        for key, (status, kind, where, body) in recorded.items()
    }  # fmt: skip

    def app(environ, start_response):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        if length:
            environ["wsgi.input"].read(length)
        key = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}"
        if environ.get("QUERY_STRING"):
            key += "?" + environ["QUERY_STRING"]
        status, headers, body = answers.get(key, ("200 OK", [("Content-Type", "text/plain")], b""))
        start_response(status, [*headers, ("Content-Length", str(len(body)))])
        return [body]

    return app


def serve_bare(recorded: Path, port: int, threads: int) -> None:
    import waitress

    app = bare_app(json.loads(recorded.read_text()))
    waitress.serve(app, host="127.0.0.1", port=port, threads=threads, ident="bare")


def build(folder: Path, n: int, clients: int) -> tuple[list[str], int]:
    """The 100k-candidate instance, a recruiter, and invites for ``clients`` + 1 candidates.

    Returns the candidates' link tokens and the id of one candidate who has submitted (via
    the test client, every page answered), whose staff page is measured.
    """
    import bench_ranked_list

    from hiring.candidates import invites
    from hiring.roles import services as roles
    from hiring.store.db import close_all

    app, db = bench_ranked_list.build(folder, n)
    role = roles.create_role(db, title="Serving bench (synthetic)", actor="bench")
    rows = [
        invites.InviteRow(i + 2, f"Serve Bench {i}", f"serve{i}@example.test", role["slug"])
        for i in range(clients + 1)
    ]
    batch = invites.invite_rows(db, rows, days=7, synthetic=True)
    tokens = [invite.token for invite in batch.invited]
    scored = submit_through_pages(app, tokens.pop())
    close_all()
    return tokens, scored


def submit_through_pages(app, token: str) -> int:
    """Walk one candidate through every page with the test client; return their id."""
    client = app.test_client()
    landing = client.get(f"/a/{token}", follow_redirects=True).get_data(as_text=True)
    csrf = CSRF_RE.search(landing).group(1)
    client.post("/assessment/", data={"csrf_token": csrf, "consent": "y"})
    number = 1
    while True:
        response = client.get(f"/assessment/page/{number}")
        if response.status_code != 200:
            break
        html = response.get_data(as_text=True)
        data = answers_of(html)
        data.update(csrf_token=csrf, shown=SHOWN_RE.search(html).group(1), next="Next")
        after = client.post(f"/assessment/page/{number}", data=data)
        if "about-you" in after.headers.get("Location", ""):
            break
        number += 1
    client.post("/assessment/about-you", data={"csrf_token": csrf, "skip": "Skip"})
    with client.session_transaction() as session:
        return session["candidate_id"]


def answers_of(html: str) -> dict[str, str]:
    """Pick the middle option of every question on a page."""
    options: dict[str, list[str]] = {}
    for name, value in re.findall(r'name="(a_[^"]+)"[^>]*value="([^"]*)"', html):
        options.setdefault(name, []).append(value)
    return {name: values[len(values) // 2] for name, values in options.items()}


def cookie_of(response: http.client.HTTPResponse, cookie: str = "") -> str:
    """The session cookie a response sets, else the one sent."""
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith("ff_session="):
            return value.split(";", 1)[0]
    return cookie


def browse(port: int, steps: list[tuple[str, str, dict | None]]) -> tuple[str, str]:
    """Follow ``(method, path, form)`` steps keeping the session cookie, as a browser would.

    A form's ``csrf_token`` is taken from the page before. Returns the cookie and the last
    page's HTML.
    """
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    cookie = html = ""
    for method, path, form in steps:
        body = b""
        if form is not None:
            form = {**form, "csrf_token": CSRF_RE.search(html).group(1)}
            body = urlencode(form).encode()
        conn.request(method, path, body=body or None, headers={
            "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = conn.getresponse()
        html = response.read().decode()
        cookie = cookie_of(response, cookie)
    conn.close()
    return cookie, html


def sign_in(port: int) -> str:
    """Sign in as the recruiter through the real form; return the session cookie."""
    login = {"username": "bench", "password": "bench-password-1"}
    cookie, _ = browse(port, [("GET", "/auth/login", None), ("POST", "/auth/login", login)])
    return cookie


def candidate_session(port: int, token: str) -> tuple[str, str]:
    """Open a candidate's link and consent; return the cookie and page 1's answers as a POST."""
    cookie, html = browse(port, [("GET", f"/a/{token}", None), ("GET", "/assessment/", None)])
    if 'name="consent"' in html:
        cookie, _ = browse(port, [("GET", f"/a/{token}", None), ("GET", "/assessment/", None),
                                  ("POST", "/assessment/", {"consent": "y"})])  # fmt: skip
    cookie, html = browse(port, [("GET", f"/a/{token}", None), ("GET", "/assessment/page/1", None)])
    data = {**answers_of(html), "next": "Next", "csrf_token": CSRF_RE.search(html).group(1),
            "shown": SHOWN_RE.search(html).group(1)}  # fmt: skip
    return cookie, urlencode(data)


def cases_for(port: int, tokens: list[str], scored: int) -> dict[str, list[Request]]:
    """The four measured requests, with fresh sessions on this server."""
    staff = sign_in(port)
    people = [candidate_session(port, token) for token in tokens]
    return {
        "ranked list, 100k": [Request("GET", "/roles/1/candidates", staff)],
        "candidate page (staff)": [Request("GET", f"/candidates/{scored}", staff)],
        "questionnaire page": [Request("GET", "/assessment/page/1", c) for c, _ in people],
        "answer POST": [
            Request("POST", "/assessment/page/1", c, b.encode(), 302) for c, b in people
        ],
    }


def record(port: int, cases: dict[str, list[Request]]) -> dict:
    """The status, type, location and body ``hiring serve`` sends for each case."""
    recorded = {}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for requests in cases.values():
        request = requests[0]
        conn.request(request.method, request.path, body=request.body or None,
                     headers={"Cookie": request.cookie,
                              "Content-Type": "application/x-www-form-urlencoded"})  # fmt: skip
        response = conn.getresponse()
        body = response.read().decode()
        status = f"{response.status} {response.reason}"
        recorded[f"{request.method} {request.path}"] = (
            status, response.getheader("Content-Type"), response.getheader("Location"), body
        )  # fmt: skip
    conn.close()
    return recorded


def line(case: str, server: Server, clients: int, run: Run, bare: Run | None) -> str:
    ratio = f"{run.cpu_ms / bare.cpu_ms:6.1f}x" if bare and bare.cpu_ms else "     - "
    return (
        f"{case:<24} {server.label:<24} {clients:>3} {run.rate:8.0f} {run.p(50):8.1f} "
        f"{run.p(95):8.1f} {run.cpu_ms:8.2f} {ratio}"
        + (f"  {run.errors} errors" if run.errors else "")
    )


def report(servers: list[Server], cases: list[str]) -> bool:
    """Print every run, then the targets; return whether every target was met."""
    one, every, bare = servers
    print(f"\n{'case':<24} {'server':<24} {'cl':>3} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'CPU ms':>8} {'vs bare':>7}")  # fmt: skip
    for case in cases:
        for server in servers:
            for clients in CLIENTS:
                run = server.results[(case, clients)]
                base = bare.results[(case, clients)] if server is not bare else None
                print(line(case, server, clients, run, base))
        print()
    met = True
    print(f"Server cost per request against bare waitress (1 process, 1 client; target <= "
          f"{TARGET_COST_RATIO:.0f}x for the two staff pages):")  # fmt: skip
    for case in cases:
        ratio = one.results[(case, 1)].cpu_ms / bare.results[(case, 1)].cpu_ms
        staff = case.startswith(("ranked", "candidate page"))
        met &= ratio <= TARGET_COST_RATIO or not staff
        print(f"  {case:<24} {one.results[(case, 1)].cpu_ms:6.2f} ms against "
              f"{bare.results[(case, 1)].cpu_ms:5.2f} ms: {ratio:5.1f}x")  # fmt: skip
    print(f"Requests/s with {every.label.split(', ')[1]} against 1 worker at 32 clients "
          f"(target >= {TARGET_SPEEDUP}x on 2 cores):")  # fmt: skip
    for case in cases:
        speedup = every.results[(case, 32)].rate / one.results[(case, 32)].rate
        met &= speedup >= TARGET_SPEEDUP
        print(f"  {case:<24} {speedup:5.2f}x")
    p95 = every.results[(cases[0], 32)].p(95)
    met &= p95 <= TARGET_LIST_P95_MS
    print(f"Ranked list p95 at 32 clients, all workers: {p95:.1f} ms "
          f"(target <= {TARGET_LIST_P95_MS:.0f} ms)")  # fmt: skip
    return met


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="candidates in the ranked role")
    parser.add_argument("--seconds", type=float, default=3.0, help="timed seconds per run")
    parser.add_argument("--quick", action="store_true", help="1 s per run instead")
    parser.add_argument("--bare", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=8, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        serve_bare(args.bare, args.port, args.threads)
        return 0
    seconds = 1.0 if args.quick else args.seconds
    print(f"Load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")  # fmt: skip
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "instance"
        tokens, scored = build(folder, args.n, max(CLIENTS))
        threads = int(os.environ.get("HIRING_THREADS") or 8)
        servers: list[Server] = []
        cases: dict[str, list[Request]] = {}
        recorded_path = Path(scratch) / "recorded.json"
        with open(Path(scratch) / "server.log", "wb") as log:
            for start in (
                lambda: start_hiring(folder, 1, log),
                lambda: start_hiring(folder, 0, log),
                lambda: start_bare(recorded_path, threads, log),
            ):
                server = start()
                servers.append(server)
                try:
                    if len(servers) < 3:  # bare waitress answers the last server's requests
                        cases = cases_for(server.port, tokens, scored)
                    if len(servers) == 1:
                        recorded_path.write_text(json.dumps(record(server.port, cases)))
                    for case, requests in cases.items():
                        for clients in CLIENTS:
                            measure(server, case, requests, clients, seconds)
                        print(f"  measured {case} on {server.label}", flush=True)
                finally:
                    stop(server)
        problems = [
            text
            for text in (Path(scratch) / "server.log").read_text(errors="replace").splitlines()
            if "Traceback" in text or "ERROR" in text
        ]
        met = report(servers, list(cases))
        if problems:
            print(f"Server log: {len(problems)} error lines, first: {problems[0]}")
    print(f"Load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
