"""What an ERP room hands the app factory: its routes, its defaults, its seeder."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from starlette.routing import BaseRoute

from simulator.datasets import Dataset
from simulator.store import Records

Config = dict[str, Any]


@dataclass(frozen=True)
class Service:
    name: str
    """Short name used in config, record kinds and the admin API (``intacct``)."""
    title: str
    routes: Sequence[BaseRoute]
    default_config: Callable[[str, str], Config]
    """(tenant id, tenant name) -> this ERP's settings and login names for a new tenant."""
    seed: Callable[[Records, Dataset, Config], None]
    """Lay an ERP-neutral dataset into this ERP's own records."""
    banner: Callable[[str, Config], list[str]]
    """(server origin, tenant config) -> lines telling a person how to connect."""
