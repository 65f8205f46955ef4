"""What the Procore objects and tools need of their company, as a protocol.

``sync_core.procore.Company`` provides it. The objects, the ERP Integrations
tool, the imports and the schedule are typed against this protocol rather than
the class, so none of them imports ``procore`` (which imports all of them). The
company's tool collections are typed loosely here for the same reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, Protocol

from simulator.store import Store
from sync_core.connectors.base import Connector
from sync_core.delivery import RetryPolicy
from sync_core.records import CompanyRecords


class ClockLike(Protocol):
    def time(self) -> float: ...

    def now(self) -> dt.datetime: ...


class CompanyContext(Protocol):
    id: str
    store: Store
    records: CompanyRecords
    _actor: Any

    @property
    def name(self) -> str: ...

    @property
    def clock(self) -> ClockLike: ...

    @property
    def sleep(self) -> Callable[[float], Any]: ...

    @property
    def policy(self) -> RetryPolicy: ...

    def now_text(self) -> str: ...

    def today(self) -> dt.date: ...

    def acting_name(self) -> str: ...

    def acting(self, user: Any) -> AbstractContextManager[None]: ...

    @property
    def owner(self) -> Any: ...

    @property
    def connector(self) -> Connector | None: ...

    def require_connector(self) -> Connector: ...

    # the company's tools (sync_core.objects collections, ErpIntegrations, Imports)
    @property
    def users(self) -> Any: ...

    @property
    def directory(self) -> Any: ...

    @property
    def cost_codes(self) -> Any: ...

    @property
    def cost_types(self) -> Any: ...

    @property
    def projects(self) -> Any: ...

    @property
    def erp(self) -> Any: ...

    @property
    def imports(self) -> Any: ...
