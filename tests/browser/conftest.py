"""Pages in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The app runs in a server thread of the test process, on the engine's real SQLite test
database and fake clock. Without Chromium these tests skip — except in CI
(JTFLOW_CI=1), where a missing browser is a failure. Screenshots go to
artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.config import PROJECT_ROOT, Settings
from tests.serving import served
from webui import create_app

CHROMIUM = os.environ.get("JTFLOW_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = PROJECT_ROOT / "artifacts" / "screenshots"


def _require_browser() -> None:
    if shutil.which(CHROMIUM) is None:
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("JTFLOW_CI"):
            pytest.fail(message + ": browser tests are mandatory in CI")
        pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    _require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def live_app(db_url, jtflow) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """The app served on a free port in a thread; yields its base URL. The demo users'
    passwords are hashed for quick sign-ins (steps.QUICK_HASH)."""
    from tests.browser.steps import quick_passwords

    quick_passwords(jtflow)
    with served(create_app(Settings(database_url=db_url), jtflow=jtflow)) as base_url:
        yield base_url


@pytest.fixture
def shots(request) -> Screenshots:  # type: ignore[no-untyped-def]
    """The test's numbered screenshots, shared by all its pages."""
    return Screenshots(SCREENSHOTS / request.node.name)


@pytest.fixture
def page(browser, live_app, shots):  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_app, locale="zh-CN")
    yield _new_page(context, shots)
    context.close()


@pytest.fixture
def person(browser, live_app, shots):  # type: ignore[no-untyped-def]
    """``person(username)``: that person's own browser (own cookies) in the test's one
    Chromium, signed in through the login page when first asked for, then kept."""
    from tests.browser.steps import sign_in

    contexts, pages = [], {}

    def browser_of(username: str):  # type: ignore[no-untyped-def]
        if username not in pages:
            context = browser.new_context(base_url=live_app, locale="zh-CN")
            contexts.append(context)
            pages[username] = page = _new_page(context, shots)
            sign_in(page, username)
            page.wait_for_url(lambda url: "/login" not in url)
        return pages[username]

    yield browser_of
    for context in contexts:
        context.close()


def _new_page(context, shots: Screenshots):  # type: ignore[no-untyped-def]
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.screenshot_step = shots.take  # type: ignore[attr-defined]
    return page


class Screenshots:
    """One numbered PNG per step of a browser test."""

    def __init__(self, folder: Path):
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        self.folder, self.count = folder, 0

    def take(self, page, name: str) -> Path:  # type: ignore[no-untyped-def]
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
