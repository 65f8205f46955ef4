"""Headless Chromium for the console's browser tests, launched as the project launches it everywhere:
Debian's Chromium through Playwright, a fresh user-data dir, no network beyond the test server.

A page watches itself: every browser console error and every 4xx/5xx answer is collected, and the
test fails at its end unless it said which ones it expected.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("ERPSIM_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
HOW_TO_ENABLE = ("the browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium) and "
                 "Playwright for Python (pip install -e '.[test]'); .ci/run installs both")
DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"


def unavailable() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM}: {HOW_TO_ENABLE}"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return f"Playwright is not installed: {HOW_TO_ENABLE}"
    return None


@contextmanager
def chromium(viewport: dict[str, int] | None = None) -> Iterator[Any]:
    """A persistent browser context on a fresh user-data dir, removed afterwards."""
    from playwright.sync_api import sync_playwright

    profile = tempfile.mkdtemp(prefix="erpsim-chromium-")
    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                profile, executable_path=CHROMIUM, headless=True, args=FLAGS,
                viewport=viewport or {"width": 1366, "height": 860}, accept_downloads=True)
            try:
                yield context
            finally:
                context.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)


class Watched:
    """A page that records console errors and failed answers while a test drives it."""

    def __init__(self, page: Any, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        self.bad_responses: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"page error: {exc}"))
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _response(self, response: Any) -> None:
        if response.status >= 400:
            self.bad_responses.append(f"{response.status} {response.request.method} {response.url}")

    def goto(self, path: str) -> Any:
        return self.page.goto(self.base_url + path)

    def problems(self) -> list[str]:
        return self.bad_responses + self.console_errors

    def expect_clean(self) -> None:
        problems = self.problems()
        self.console_errors.clear()
        self.bad_responses.clear()
        assert not problems, "the browser saw errors:\n" + "\n".join(problems)

    def flash(self) -> str:
        """The message the last action left, success or refusal."""
        return str(self.page.locator(".flash").first.inner_text()).strip()

    def screenshot(self, name: str) -> Path:
        """A full-page picture for docs/images/ (kept there when ERPSIM_SCREENSHOTS is set)."""
        target = DOCS_IMAGES if os.environ.get("ERPSIM_SCREENSHOTS") else Path(tempfile.gettempdir())
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path
