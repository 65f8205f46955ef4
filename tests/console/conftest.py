from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from simulator.app import create_app
from simulator.store import Store
from simulator.testing import ThreadedServer
from tests.console.browser import Watched, chromium, unavailable


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    why = unavailable()
    if why is None:
        return
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.skip(reason=why))


@pytest.fixture(scope="module")
def server() -> Iterator[ThreadedServer]:
    """The whole simulator (with the demo company) under uvicorn, as ``erpsim serve`` runs it."""
    store = Store(":memory:")
    with ThreadedServer(create_app(store)) as running:
        yield running
    store.close()


@pytest.fixture(scope="module")
def browser_context() -> Iterator[Any]:
    with chromium() as context:
        yield context


@pytest.fixture
def web(server: ThreadedServer, browser_context: Any) -> Iterator[Watched]:
    """A fresh page on the served console; the test fails if the browser saw errors it did not expect."""
    browser_context.clear_cookies()
    page = browser_context.new_page()
    watched = Watched(page, server.url)
    try:
        yield watched
        watched.expect_clean()
    finally:
        page.close()
