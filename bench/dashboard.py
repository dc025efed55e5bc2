"""Benchmark: the director's dashboard against a trivial signed-in page, in one run.

Builds 10,000 accounts, 1,000,000 revenue lines and 50 KAMs (five teams) in PostgreSQL
(--quick: 2,000 accounts, 200,000 lines, 20 KAMs), tiers them, then times both pages in
process (server time, no network) and prints their medians and ratio. Goal: dashboard
median under 150 ms and within 5x the trivial page. Usage: make bench
"""

import argparse
import os
import statistics
import time

from portfolio import DEFAULT_URL, add_relationships, build, recreate_database, setup_django


def median_ms(client, path: str, runs: int) -> float:
    for _ in range(3):  # warm caches and connections first
        client.get(path)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--runs", type=int, default=25)
    parser.add_argument("--reuse", action="store_true", help="time the last run's portfolio")
    args = parser.parse_args()
    accounts, lines, kams = (2_000, 200_000, 20) if args.quick else (10_000, 1_000_000, 50)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
    os.environ["DJANGO_HTTPS"] = "false"

    if not args.reuse:
        recreate_database(url)
    setup_django(url)
    from django.test import Client
    from django.test.utils import override_settings
    from django.utils import timezone

    from accounts.tiering import tiers_recompute
    from kamcrm.models import User
    from plans.models import PlanSettings

    if not args.reuse:
        started = time.perf_counter()
        build(accounts, lines, kams)
        tiers_recompute(as_of=timezone.localdate())
        add_relationships(PlanSettings.current().fiscal_year_of(timezone.localdate()))
        print(f"built and tiered {accounts:,} accounts, {lines:,} revenue lines and {kams} KAMs "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    client = Client()
    client.force_login(User.objects.get(username="bench-director-1"))
    plain = {"staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
    with override_settings(
        STORAGES={**plain, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    ):
        dashboard = median_ms(client, "/dashboard/", args.runs)
        trivial = median_ms(client, "/notifications/", args.runs)
    print(f"director's dashboard: {dashboard:.1f} ms median of {args.runs} (goal < 150 ms)")
    print(f"trivial signed-in page: {trivial:.1f} ms median of {args.runs}")
    print(f"ratio: {dashboard / trivial:.2f} (goal <= 5)")


if __name__ == "__main__":
    main()
