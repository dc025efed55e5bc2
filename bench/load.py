"""Load and fault run: the demo served by gunicorn on PostgreSQL and Redis, signed-in users
browsing the main pages, three phases in one run:

1. no faults;
2. every few seconds, every database connection of the app killed (pg_terminate_backend);
3. Redis stopped for the whole phase (the cache and broker gone), then started again.

Prints, per phase, p50 and p95 per page and the errors (5xx or no answer). The goal: no
error without faults; under faults, at most the requests in flight at a fault.

Everything runs on loopback in a database and a Redis of its own (`BENCH_DATABASE_URL`,
default kamcrm_load on the local PostgreSQL; a redis-server it starts on port 6391), and
stops by itself. Usage: .venv/bin/python bench/load.py [--seconds 20] [--users 8]
"""

import argparse
import http.client
import math
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from portfolio import ROOT, recreate_database

HOST, PORT, REDIS_PORT = "127.0.0.1", 8765, 6391
PAGES = ["/dashboard/", "/accounts/", "/accounts/{account}/", "/plans/", "/notifications/"]
USERS = ["kam1", "kam2", "director1", "director2"]
LOCK = threading.Lock()


class Browser:
    """One signed-in person: a cookie jar over a keep-alive connection."""

    def __init__(self, username: str):
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        page = self.request("GET", "/login/")[1]
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": username, "password": "demo", "csrfmiddlewaretoken": token.decode()}
        status, _ = self.request("POST", "/login/", urlencode(form))
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{PORT}{path}"
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()  # a fresh connection for the next request
            raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data


def browse(username: str, accounts: dict, until: float, results, in_flight: list[int]) -> None:
    browser, account = Browser(username), accounts[username]
    index = 0
    while time.monotonic() < until:
        page = PAGES[index % len(PAGES)]
        index += 1
        started = time.perf_counter()
        with LOCK:
            in_flight[0] += 1
        try:
            status = browser.request("GET", page.format(account=account))[0]
        except (OSError, http.client.HTTPException):
            status = 0  # no answer
        finally:
            with LOCK:
                in_flight[0] -= 1
        results[page].append((time.perf_counter() - started, status))


def run_phase(name: str, seconds: float, users: int, accounts: dict, fault=None) -> None:
    results: dict[str, list] = defaultdict(list)
    in_flight, until = [0], time.monotonic() + seconds
    threads = [
        threading.Thread(
            target=browse, args=(USERS[i % len(USERS)], accounts, until, results, in_flight)
        )
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    faults = []
    if fault:
        faults = fault(until, in_flight)
    for thread in threads:
        thread.join()
    print(f"\n{name}")
    print(f"{'page':<22}{'requests':>9}{'p50 ms':>9}{'p95 ms':>9}{'errors':>8}")
    errors = 0
    for page in PAGES:
        rows = results[page]
        times = sorted(t * 1000 for t, _ in rows)
        failed = sum(1 for _, status in rows if status == 0 or status >= 500)
        errors += failed
        p95 = times[math.ceil(len(times) * 0.95) - 1] if times else 0
        median = statistics.median(times) if times else 0
        print(f"{page:<22}{len(rows):>9}{median:>9.0f}{p95:>9.0f}{failed:>8}")
    if faults:
        in_flight_at_faults = sum(faults)
        print(f"faults: {len(faults)}, requests in flight at them: {in_flight_at_faults}")
    print(f"errors: {errors}")


def kill_connections(url: str, every: float):
    def fault(until: float, in_flight: list[int]) -> list[int]:
        seen = []
        with psycopg.connect(url, autocommit=True) as admin:
            while time.monotonic() + every < until:
                time.sleep(every)
                seen.append(in_flight[0])
                admin.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        return seen

    return fault


def stop_redis(redis: list[subprocess.Popen]):
    def fault(until: float, in_flight: list[int]) -> list[int]:
        time.sleep(1)
        seen = [in_flight[0]]
        redis[0].terminate()
        redis[0].wait(10)
        while time.monotonic() < until:
            time.sleep(0.2)
        redis[0] = start_redis()
        return seen

    return fault


def start_redis() -> subprocess.Popen:
    command = ["redis-server", "--port", str(REDIS_PORT), "--bind", HOST]
    command += ["--save", "", "--appendonly", "no"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    time.sleep(0.5)
    return process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of each phase")
    parser.add_argument("--users", type=int, default=8, help="people browsing at once")
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kamcrm_load")
    recreate_database(url)
    redis = [start_redis()]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": f"redis://{HOST}:{REDIS_PORT}/0",
        "DJANGO_SECRET_KEY": "load-run-only",
        "DJANGO_HTTPS": "false",
        "DJANGO_ALLOWED_HOSTS": HOST,
        # Every browsing thread signs in from this one address.
        "KAMCRM_SIGN_IN_FAILURE_LIMIT": "1000",
    }
    python = str(Path(sys.executable))
    manage = [python, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo", "--force"], cwd=ROOT, env=env, check=True)
    with psycopg.connect(url) as conn:
        # Each person opens an account of their own team.
        accounts = dict(
            conn.execute(
                """SELECT u.username, MIN(a.id) FROM kamcrm_user u
                   JOIN kamcrm_team t ON t.director_id = u.id OR t.id = u.team_id
                   JOIN kamcrm_user kam ON kam.team_id = t.id
                   JOIN accounts_account a ON a.owner_id = kam.id
                   GROUP BY u.username"""
            ).fetchall()
        )
    log = Path("/tmp/kamcrm-load-server.log")
    server = subprocess.Popen(
        [str(Path(python).parent / "gunicorn"), "kamcrm.wsgi", "--bind", f"{HOST}:{PORT}",
         "--workers", "2", "--threads", "4", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    print(f"server log: {log}")
    try:
        for _ in range(50):
            try:
                http.client.HTTPConnection(HOST, PORT, timeout=1).request("GET", "/healthz")
                break
            except OSError:
                time.sleep(0.2)
        host = urlsplit(url).hostname
        print(f"gunicorn: 2 workers x 4 threads on {HOST}:{PORT}; PostgreSQL on {host}; "
              f"{args.users} people browsing; {args.seconds:.0f} s a phase")  # fmt: skip
        run_phase("1. no faults", args.seconds, args.users, accounts)
        run_phase(
            "2. every database connection killed every 3 s",
            args.seconds,
            args.users,
            accounts,
            kill_connections(url, 3),
        )
        run_phase("3. Redis stopped", args.seconds, args.users, accounts, stop_redis(redis))
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(20)
        redis[0].terminate()


if __name__ == "__main__":
    main()
