"""The server the published Intacct clients run against: real uvicorn, the demo company and a large one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from simulator import datasets
from simulator.app import create_app
from simulator.store import Store
from simulator.testing import ThreadedServer


@contextmanager
def with_bulk_company() -> Iterator[ThreadedServer]:
    """The demo company plus ``bulk``, which holds more vendors (2,100) than one 2,000-row page."""
    store = Store(":memory:")
    app = create_app(store)
    app.state.tenants.create("bulk", "Bulk Builders")
    app.state.tenants.seed("bulk", datasets.generate(seed=7, vendors=2100, customers=1, projects=1,
                                                      codes_per_project=2))
    with ThreadedServer(app) as running:
        yield running
    store.close()
