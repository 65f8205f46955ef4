"""What an ERP room hands the app factory: its routes, its defaults, its seeder, its back office."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.routing import BaseRoute

from simulator.clock import Clock
from simulator.datasets import Dataset
from simulator.journal.hook import Wire
from simulator.store import Records

Config = dict[str, Any]


class BackofficeError(Exception):
    """The ERP refused a bookkeeper's action; the message is the ERP's own."""


@dataclass(frozen=True)
class Backoffice:
    """What a bookkeeper does inside the ERP, outside any integration: create a job, pay a bill.

    Actions run the ERP's own rules on the tenant's books and return what they made.
    """

    records: Records
    config: Config
    clock: Clock


BackofficeAction = Callable[[Backoffice, dict[str, Any]], dict[str, Any]]


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
    backoffice: Mapping[str, BackofficeAction] = field(default_factory=dict)
    """Named bookkeeper actions (``create_job``, ``pay_bill``…), served under ``/_erpsim/``."""
    admin_routes: Sequence[BaseRoute] = ()
    """The room's own control-plane routes, with full ``/_erpsim/...`` paths."""
    wires: Sequence[Wire] = ()
    """Each URL prefix the room serves, with how the journal names its requests and its transient errors."""
