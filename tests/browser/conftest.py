"""Browser tests drive Debian's Chromium through Playwright; no browser is downloaded."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps

from tests.needs import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not CHROMIUM.exists():
        skip_or_fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def reference_data(transactional_db):
    """Browser tests commit for real, and the flush after each one also empties the rows the
    data migration made (currencies, stages, thresholds): put them back first."""
    migration = importlib.import_module("accounts.migrations.0002_reference_data")
    migration.create(apps, None)


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
