"""Task completions per second over HTTP through gunicorn on PostgreSQL.

Creates N cases waiting at their first task, starts gunicorn (the production server), and lets
a few concurrent clients complete distinct tasks through ``POST /api/v1/tasks/<id>/complete``.
Reports completions per second, latency percentiles and the server CPU time per completion
(from /proc, summed over gunicorn's worker processes).

    .venv/bin/python bench/http_throughput.py [--cases 3000] [--clients 6] [--workers 3]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scenario  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/mahalla_bench"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


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


def postgres_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip().startswith("postgres"):
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def cpu_of(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        try:
            total += process_cpu_seconds(pid)
        except OSError:
            continue  # a short-lived backend ended meanwhile
    return total


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(p) for p in children.read_text().split()] if children.exists() else []


def wait_until_up(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/v1/openapi.json")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def run_clients(port: int, token: str, task_ids: list[str], clients: int) -> tuple[list[float], dict[int, int], float]:
    work: queue.Queue[str] = queue.Queue()
    for task_id in task_ids:
        work.put(task_id)
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    body = json.dumps(scenario.ANSWERS["check_registration"])
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client() -> None:
        while True:
            try:
                task_id = work.get_nowait()
            except queue.Empty:
                return
            start = time.perf_counter()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("POST", f"/api/v1/tasks/{task_id}/complete", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            connection.close()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()

    ensure_database(args.database_url)
    app = scenario.build_world(args.database_url)
    with app.app_context():
        from webapp.cases.tasks.service import tasks_of_appeal
        from webapp.platform.auth.service import issue_token

        print(f"creating {args.cases} cases ...", flush=True)
        appeal_ids = scenario.new_cases(args.cases)
        task_ids = [tasks_of_appeal(appeal_id)[0].id for appeal_id in appeal_ids]
        inspector, _supervisor = scenario.users()
        token = issue_token(inspector, "bench")

    port = free_port()
    env = {**os.environ, "DATABASE_URL": args.database_url, "SECRET_KEY": "bench-secret"}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "--workers",
            str(args.workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "webapp.wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up(port)
        run_clients(port, token, task_ids[: args.warmup], args.clients)
        measured = task_ids[args.warmup :]
        workers = worker_pids(server.pid)
        databases = postgres_pids()
        cpu_before, db_before, client_before = cpu_of(workers), cpu_of(databases), time.process_time()
        latencies, statuses, elapsed = run_clients(port, token, measured, args.clients)
        cpu_after, db_after, client_after = cpu_of(workers), cpu_of(databases), time.process_time()
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(30)

    ms = sorted(x * 1000 for x in latencies)
    result = {
        "completions": len(measured),
        "statuses": statuses,
        "seconds": round(elapsed, 2),
        "completions_per_second": round(len(measured) / elapsed, 1),
        "latency_median_ms": round(statistics.median(ms), 2),
        "latency_p90_ms": round(ms[int(len(ms) * 0.9) - 1], 2),
        "server_cpu_ms_per_completion": round((cpu_after - cpu_before) * 1000 / len(measured), 2),
        "postgres_cpu_ms_per_completion": round((db_after - db_before) * 1000 / len(measured), 2),
        "client_cpu_ms_per_completion": round((client_after - client_before) * 1000 / len(measured), 2),
        "gunicorn_workers": args.workers,
        "clients": args.clients,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, indent=2))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "http_throughput.json").write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
