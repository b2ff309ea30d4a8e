"""Task completions per second over HTTP through gunicorn on PostgreSQL, whole appeals at a time.

Creates complaints waiting at their first task, starts gunicorn (the production server), and lets
1, then 4 concurrent clients walk each appeal through every stage over the JSON API, as a mobile
client would: ask for the appeal's next task (``GET /api/v1/tasks?appeal=<number>``, as the
inspector, then the supervisor), complete it (``POST /api/v1/tasks/<id>/complete?include=next_tasks``,
whose answer lists the caller's next tasks of the case), and ask the task list again only when the
case passes to the other role, until no task waits — registration, analysis, measures, the reply
(drafted, approved, the result recorded, which queues the reply letter) and monitoring.
``mahalla worker`` runs beside gunicorn, as in production: it renders the reply letters' PDFs after
the completions commit. Only completions answered 200 count; every other answer is
reported by status. Reports, per client count:

- completions per second (200 answers over the wall time), median and p95 latency;
- server CPU ms per completion: every process of the deployment but PostgreSQL and the load client —
  the gunicorn master and workers, their sandbox processes and ``mahalla worker`` (with its own
  children), from /proc (utime + stime, plus cutime + cstime of children that ended), measured until
  the letters of the walked appeals are ready; split into the web (its own processes and their
  isolated engine processes) and the jobs; requests per completion (the task lookups count too);
- database CPU ms per completion: the PostgreSQL backends connected to the benchmark's database;
- SQL statements per completion: the same walk through the same app in this process (Flask's test
  client on the same database), every statement counted by a SQLAlchemy event — the completion
  requests' own and those of every request per completion (the task lookups included); the letter
  job's statements per letter separately.

    .venv/bin/python bench/http_throughput.py [--appeals 150] [--clients 1,4] [--workers 3]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import queue
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scenario  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/mahalla_bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
ROLES = ("inspector", "supervisor")
MAX_STEPS = 50  # a walk that never ends is a bug in the walk, not a measurement


def ensure_database(url: str) -> None:
    """Create the benchmark database on the local server if it does not exist."""
    import psycopg

    name = url.rsplit("/", 1)[-1]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += process_cpu_seconds(pid)
        except OSError:
            continue  # a short-lived backend ended meanwhile
    return total


ENGINE_PROCESS = b"engine.sandbox_worker"


def process_tree_cpu_seconds(root: int) -> dict[str, float]:
    """CPU of a process and all its descendants, including children that ended and were waited for:
    ``engine`` for the isolated engine processes (engine.sandbox_worker), ``app`` for the rest."""
    totals = {"app": 0.0, "engine": 0.0}
    pending = [root]
    while pending:
        pid = pending.pop()
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            part = "engine" if ENGINE_PROCESS in Path(f"/proc/{pid}/cmdline").read_bytes() else "app"
            totals[part] += sum(int(x) for x in fields[11:15]) / CLOCK_TICKS  # utime stime cutime cstime
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue  # ended meanwhile: its time is in its parent's cutime now
    return totals


def database_backend_pids(url: str) -> list[int]:
    """The PostgreSQL backends connected to the benchmark's database (not other databases' work)."""
    import psycopg

    name = url.rsplit("/", 1)[-1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        rows = connection.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)).fetchall()
    return [int(row[0]) for row in rows]


def wait_until_up(port: int, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


class Api:
    """A keep-alive connection to the server with one bearer token per role."""

    def __init__(self, port: int, tokens: dict[str, str]) -> None:
        self.port = port
        self.tokens = tokens
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, method: str, path: str, role: str, body: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"}
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        except (OSError, http.client.HTTPException):
            self.connection.close()  # the server closed a kept-alive connection: open a new one
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw and response.status == 200 else None)


@dataclass
class Tally:
    """What the clients saw: completions that answered 200, their latencies, every other answer by status."""

    completions: int = 0
    requests: int = 0  # every answered request: the task lookups (GET) and the completions (POST)
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    walked: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def error(self, what: str, status: int) -> None:
        with self.lock:
            key = f"{what} {status}"
            self.errors[key] = self.errors.get(key, 0) + 1


class WalkFailed(Exception):
    """An answer other than 200 (already counted in the tally): the walk of this appeal stops."""


def next_task(api: Api, number: str, tally: Tally, roles: tuple[str, ...] = ROLES) -> tuple[dict[str, Any], str] | None:
    """The appeal's next waiting task and the role that does it, asking each of ``roles`` in turn;
    None when the case waits for none of them."""
    for role in roles:
        status, body = api.call("GET", f"/api/v1/tasks?appeal={number}", role)
        with tally.lock:
            tally.requests += 1
        if status != 200:
            tally.error("GET /tasks", status)
            raise WalkFailed
        if body["tasks"]:
            return body["tasks"][0], role
    return None


def walk(api: Api, number: str, tally: Tally) -> None:
    """Complete every task of one appeal, stage by stage, until none waits (or one fails). A
    completion answers the caller's next tasks of the case (``?include=next_tasks``), so the task
    list is asked only when the case passes to the other role."""
    steps = 0
    try:
        found = next_task(api, number, tally)
        while found is not None and steps < MAX_STEPS:
            task, role = found
            started = time.perf_counter()
            body = json.dumps(scenario.WALK_ANSWERS[task["name"]])
            path = f"/api/v1/tasks/{task['id']}/complete?include=next_tasks"
            status, answer = api.call("POST", path, role, body)
            elapsed = time.perf_counter() - started
            if status != 200:
                tally.error(f"POST complete ({task['name']})", status)
                return
            with tally.lock:
                tally.requests += 1
                tally.completions += 1
                tally.latencies.append(elapsed)
            steps += 1
            following = answer["next_tasks"]
            others = tuple(other for other in ROLES if other != role)
            found = (following[0], role) if following else next_task(api, number, tally, others)
    except WalkFailed:
        return
    with tally.lock:
        tally.walked += 1


def run_clients(port: int, tokens: dict[str, str], numbers: list[str], clients: int) -> tuple[Tally, float]:
    work: queue.Queue[str] = queue.Queue()
    for number in numbers:
        work.put(number)
    tally = Tally()

    def client() -> None:
        api = Api(port, tokens)
        while True:
            try:
                number = work.get_nowait()
            except queue.Empty:
                return
            walk(api, number, tally)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


class InProcessApi:
    """The same calls as ``Api`` through Flask's test client; counts the SQL statements of completions."""

    def __init__(self, app: Any, tokens: dict[str, str]) -> None:
        self.client = app.test_client()
        self.tokens = tokens
        self.per_completion: list[int] = []  # the completion requests' own statements
        self.all_requests = 0  # every request's statements, the task lookups included

    def call(self, method: str, path: str, role: str, body: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.tokens[role]}", "Content-Type": "application/json"}
        with scenario.counted_statements() as statements:
            response = self.client.open(path, method=method, data=body, headers=headers)
        self.all_requests += len(statements)
        if method == "POST" and response.status_code == 200:
            self.per_completion.append(len(statements))
        return response.status_code, (response.get_json() if response.status_code == 200 else None)


def count_statements_of_walks(app: Any, numbers: list[str], tokens: dict[str, str]) -> dict[str, Any]:
    """Statements per completion (whole walks through the app in this process) and per letter made."""
    from webapp.casework.replies.preparation import prepare_documents

    api = InProcessApi(app, tokens)
    tally = Tally()
    for number in numbers:
        walk(api, number, tally)  # type: ignore[arg-type]
    with app.app_context(), scenario.counted_statements() as statements:
        letters = prepare_documents().ready
    counts = api.per_completion or [0]
    return {
        "appeals_walked": tally.walked,
        "completions": len(api.per_completion),
        "per_completion_mean": round(statistics.mean(counts), 2),
        "per_completion_max": max(counts),
        "all_requests_per_completion": round(api.all_requests / max(len(api.per_completion), 1), 2),
        "per_completion": counts[: len(counts) // max(len(numbers), 1)],  # one walk, task by task
        "letter_job_per_letter": round(len(statements) / max(letters, 1), 2),
        "errors": sum(tally.errors.values()),
    }


def reply_letters(app: Any, numbers: list[str]) -> int:
    """How many of the walked appeals have their reply letter ready (its PDF made by the worker)."""
    from sqlalchemy import func, select

    from webapp.casework.appeals.models import Appeal, Document
    from webapp.extensions import db

    with app.app_context():
        query = (
            select(func.count(func.distinct(Document.appeal_id)))
            .join(Appeal, Appeal.id == Document.appeal_id)
            .where(Appeal.number.in_(numbers), Document.kind == "reply_letter", Document.status == "ready")
        )
        try:
            return int(db.session.scalar(query) or 0)
        finally:
            db.session.remove()


def wait_for_letters(app: Any, numbers: list[str], walked: int, timeout: float = 300) -> int:
    """Wait until the worker has made the letters of the walked appeals; return how many are ready."""
    deadline = time.monotonic() + timeout
    ready = reply_letters(app, numbers)
    while ready < walked and time.monotonic() < deadline:
        time.sleep(0.2)
        ready = reply_letters(app, numbers)
    return ready


@dataclass
class Deployment:
    """gunicorn (the web) and ``mahalla worker`` (the background jobs), as in production."""

    server: subprocess.Popen[bytes]
    worker: subprocess.Popen[bytes]
    port: int

    def cpu(self) -> tuple[dict[str, float], float]:
        """The web's CPU seconds (gunicorn's processes, their engine processes) and the jobs' (all)."""
        return process_tree_cpu_seconds(self.server.pid), sum(process_tree_cpu_seconds(self.worker.pid).values())

    def stop(self) -> None:
        for process in (self.server, self.worker):
            process.send_signal(signal.SIGTERM)
        for process in (self.server, self.worker):
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:  # a loaded machine: the figures are taken, end it
                process.kill()
                process.wait(30)


def start_deployment(database_url: str, workers: int, log: Any) -> Deployment:
    """gunicorn (with gunicorn.conf.py) on a free port and the job worker; their logs go to ``log``."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench-secret", "MAHALLA_DEMO": "0"}
    env.pop("MAHALLA_METRICS", None)
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    server = subprocess.Popen(
        [*gunicorn, "--log-level", "warning", "webapp.wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    worker = subprocess.Popen(
        [sys.executable, "-c", "from webapp.cli import main; main()", "worker", "--tick", "0.2"],
        cwd=ROOT,
        env={**env, "FLASK_APP": "webapp.wsgi:app"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return Deployment(server, worker, port)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def measure(
    app: Any, deployment: Deployment, database_url: str, tokens: dict[str, str], numbers: list[str], clients: int
) -> dict[str, Any]:
    databases = database_backend_pids(database_url) if database_url.startswith("postgresql") else []
    (web_before, jobs_before), db_before = deployment.cpu(), cpu_of(databases)
    client_before = time.process_time()
    tally, elapsed = run_clients(deployment.port, tokens, numbers, clients)
    client_after = time.process_time()
    letters = wait_for_letters(app, numbers, tally.walked)
    (web_after, jobs_after) = deployment.cpu()
    db_after = cpu_of(databases)  # backends opened during the run are not counted (pools keep theirs)
    done = max(tally.completions, 1)
    ms = [x * 1000 for x in tally.latencies]
    split = {part: (web_after[part] - web_before[part]) * 1000 / done for part in web_before}
    web, jobs = sum(split.values()), (jobs_after - jobs_before) * 1000 / done
    return {
        "clients": clients,
        "appeals": len(numbers),
        "appeals_walked": tally.walked,
        "reply_letters_ready": letters,
        "completions_200": tally.completions,
        "errors_by_status": dict(sorted(tally.errors.items())),
        "seconds": round(elapsed, 2),
        "completions_per_second": round(tally.completions / elapsed, 1),
        "latency_median_ms": round(statistics.median(ms or [0.0]), 2),
        "latency_p95_ms": round(percentile(ms, 0.95), 2),
        "server_cpu_ms_per_completion": round(web + jobs, 2),
        "web_cpu_ms_per_completion": round(web, 2),
        "web_app_cpu_ms_per_completion": round(split["app"], 2),
        "web_engine_cpu_ms_per_completion": round(split["engine"], 2),
        "requests_per_completion": round(tally.requests / done, 2),
        "jobs_cpu_ms_per_completion": round(jobs, 2),
        "database_cpu_ms_per_completion": round((db_after - db_before) * 1000 / done, 2),
        "client_cpu_ms_per_completion": round((client_after - client_before) * 1000 / done, 2),
    }


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--appeals", type=int, default=150, help="appeals walked per client count")
    parser.add_argument("--clients", default="1,4", help="client counts to measure, comma-separated")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=10, help="appeals walked before measuring")
    parser.add_argument("--counted", type=int, default=3, help="appeals walked in-process to count statements")
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results" / "http_throughput.json")
    args = parser.parse_args(argv)
    client_counts = [int(x) for x in args.clients.split(",") if x.strip()]
    postgres = args.database_url.startswith("postgresql")

    if postgres:
        ensure_database(args.database_url)
    app = scenario.build_world(args.database_url)
    with app.app_context():
        from webapp.platform.auth.service import issue_token

        total = args.warmup + args.appeals * len(client_counts) + args.counted
        print(f"creating {total} appeals ...", flush=True)
        numbers = scenario.appeal_numbers(scenario.new_cases(total))
        inspector, supervisor = scenario.users()
        tokens = {"inspector": issue_token(inspector, "bench"), "supervisor": issue_token(supervisor, "bench")}
    counted, numbers = numbers[: args.counted], numbers[args.counted :]

    server_log = args.output.with_suffix(".server.log")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    log = server_log.open("wb")
    deployment = start_deployment(args.database_url, args.workers, log)
    runs = []
    try:
        wait_until_up(deployment.port)
        run_clients(deployment.port, tokens, numbers[: args.warmup], max(client_counts))
        wait_for_letters(app, numbers[: args.warmup], args.warmup)
        rest = numbers[args.warmup :]
        for index, clients in enumerate(client_counts):
            batch = rest[index * args.appeals : (index + 1) * args.appeals]
            runs.append(measure(app, deployment, args.database_url, tokens, batch, clients))
    finally:
        deployment.stop()
        log.close()
    statements = count_statements_of_walks(app, counted, tokens)

    measured = numbers[args.warmup :]
    result = {
        "database": args.database_url.split(":", 1)[0],
        "walk": "check_registration, analyse_appeal, take_measures, prepare_reply, approve_reply, "
        "record_result (queues the reply letter; the worker makes its PDF), evaluate_effectiveness",
        "runs": runs,
        "statements": statements,
        "reply_letters": reply_letters(app, measured),
        "appeals_measured": len(measured),
        "gunicorn_workers": args.workers,
        "cpus": os.cpu_count(),
        "completed": sum(run["completions_200"] for run in runs),
    }
    result["server_log"] = str(server_log)
    result["server_tracebacks"] = server_log.read_text(errors="replace").count("Traceback")
    # An answer other than 200, a walked appeal without its reply letter, a traceback: each an error.
    result["errors"] = (
        sum(sum(run["errors_by_status"].values()) for run in runs)
        + (len(measured) - result["reply_letters"])
        + result["server_tracebacks"]
        + statements["errors"]
    )
    print(json.dumps(result, indent=2))
    args.output.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
