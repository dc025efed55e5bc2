"""Retake the README's screenshots: the demo on a fresh SQLite database, served by the
development server, photographed in Debian's Chromium (make screenshots). The Thai one
needs a Thai font (apt-get install fonts-thai-tlwg), or its text shows as boxes."""

import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
PORT = 8765
BASE = f"http://127.0.0.1:{PORT}"
# (file, user, language, page: a path, "account" for the demo's biggest group's page
# ("account people" for its People tab), or "plan" for kam1's draft plan with a section
# being written in place)
SHOTS = [
    ("screenshot.png", "kam1", "en", "account people"),
    ("dashboard.png", "director1", "en", "/dashboard/"),
    # (English first: a shot in another language leaves the user set to it.)
    ("pipeline.png", "kam1", "en", "/dashboard/pipeline/?view=board"),
    ("plan.png", "kam1", "en", "plan"),
    ("screenshot-th.png", "kam1", "th", "account"),
]


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{tmp}/demo.sqlite3",
            "REDIS_URL": "",
        }
        manage = [sys.executable, "manage.py"]
        for command in (["migrate", "--noinput"], ["seed_demo"]):
            subprocess.run([*manage, *command], cwd=ROOT, env=env, check=True)
        server = subprocess.Popen(
            [*manage, "runserver", f"127.0.0.1:{PORT}", "--noreload"], cwd=ROOT, env=env
        )
        try:
            _wait_for_server()
            _take(ROOT / "docs")
        finally:
            server.terminate()


def _wait_for_server() -> None:
    for _ in range(60):
        try:
            urllib.request.urlopen(f"{BASE}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("the development server did not start")


def _take(folder: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        for name, user, language, path in SHOTS:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{BASE}/login/")
            page.get_by_label("Username").fill(user)
            page.get_by_label("Password").fill("demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state("load")
            if language != "en":
                with page.expect_navigation():
                    page.locator("#language").select_option(language)
            if path.startswith("account"):
                page.goto(f"{BASE}/accounts/?sort=-revenue")
                page.locator("table tbody a").first.click()
                if path == "account people":
                    page.get_by_role("link", name="People").click()
            elif path == "plan":
                page.goto(f"{BASE}/plans/?status=draft")
                page.locator("table tbody a").first.click()
                page.wait_for_load_state("load")
                page.get_by_test_id("edit-priorities_medium").click()
                page.locator("#text-priorities_medium").fill(
                    "- A second kiln line in Saraburi (2027)\n"
                    "- Moving procurement to a group centre"
                )
                page.get_by_test_id("status-priorities_medium").get_by_text("Saved at").wait_for()
                page.evaluate("window.scrollTo(0, 0)")
            else:
                page.goto(f"{BASE}{path}")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=folder / name)
            print(f"docs/{name}: {user} in {language}, {page.url[len(BASE) :]}")
            page.close()
        browser.close()


if __name__ == "__main__":
    main()
