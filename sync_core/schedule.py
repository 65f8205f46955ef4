"""Scheduled imports, driven by the company's (injectable) clock.

Two kinds of cadence:

- ``every(seconds, objects)``: import straight from the ERP when due
  (what Intacct and Acumatica customers configure for job costs).
- ``hh2(...)``: Sage 100 Contractor's two-step cycle through the hh2 sync
  client. Step 1 copies the ERP into the hh2 cloud every 5 minutes (a
  snapshot); step 2, every 30 minutes, brings the latest snapshot into Procore.
  A change made in Sage therefore reaches Procore only after the next step 1
  *and* the next step 2. ``sync_now()`` runs both steps at once (on-demand sync).

Schedule state lives in the company's records, so it survives a restart; call
``company.tick()`` (or ``Procore.tick()``) from a loop or a test after moving
the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from typing import Any

from sync_core import payloads as p
from sync_core.capabilities import Direction
from sync_core.connectors.base import Connector
from sync_core.context import CompanyContext as Company
from sync_core.errors import SyncError, ValidationFailed
from sync_core.reports import SCHEDULABLE, ImportReport

KIND = "pm.schedule"
SNAPSHOT = "pm.hh2_snapshot"
HH2_CAPTURE = 5 * 60
HH2_APPLY = 30 * 60


class Schedule:
    def __init__(self, company: Company) -> None:
        self.company = company

    # -- configuration -----------------------------------------------------------

    def entries(self) -> list[dict[str, Any]]:
        return [dict(r.data, id=r.id) for r in self.company.records.iter(KIND)]

    def clear(self) -> None:
        for entry in self.entries():
            self.company.records.delete(KIND, entry["id"])

    def every(self, seconds: float, *objects: str) -> None:
        """Import ``objects`` straight from the ERP every ``seconds``."""
        self._check(seconds, objects)
        now = self.company.clock.time()
        self.company.records.insert(KIND, {"mode": "direct", "interval": seconds, "objects": list(objects),
                                           "next_at": now + seconds}, key=f"direct:{','.join(objects)}")

    def hh2(self, *objects: str, capture_every: float = HH2_CAPTURE, apply_every: float = HH2_APPLY) -> None:
        """Sage 100's hh2 cycle: snapshot the ERP every 5 min, bring it into Procore every 30 min."""
        self._check(apply_every, objects)
        if capture_every <= 0:
            raise ValidationFailed(["the capture interval must be positive"])
        now = self.company.clock.time()
        self.company.records.insert(KIND, {"mode": "hh2", "objects": list(objects), "capture_every": capture_every,
                                           "apply_every": apply_every, "next_capture": now + capture_every,
                                           "next_apply": now + apply_every}, key="hh2")

    def _check(self, seconds: float, objects: tuple[str, ...]) -> None:
        problems = []
        if not isinstance(seconds, (int, float)) or seconds <= 0:
            problems.append("the interval must be a positive number of seconds")
        unknown = [obj for obj in objects if obj not in SCHEDULABLE]
        if unknown or not objects:
            problems.append(f"schedule one or more of: {', '.join(SCHEDULABLE)}")
        connector = self.company.connector
        if connector is not None:
            for obj in objects:
                if obj not in unknown and not connector.matrix.supports(obj, Direction.IMPORT):
                    problems.append(f"{connector.title} does not import {obj}")
        if problems:
            raise ValidationFailed(problems)

    def install_default(self, connector: Connector) -> None:
        """A connector's default cadence, unless the company configured one."""
        if self.entries():
            return
        default = getattr(connector, "default_schedule", None)
        if default is None:
            return
        mode, objects = default
        objects = tuple(o for o in objects if connector.matrix.supports(o, Direction.IMPORT))
        if mode == "hh2":
            self.hh2(*objects)

    # -- running -----------------------------------------------------------------

    def run_due(self) -> list[ImportReport]:
        now = self.company.clock.time()
        reports: list[ImportReport] = []
        for entry in self.entries():
            if entry["mode"] == "direct":
                if now >= entry["next_at"]:
                    for obj in entry["objects"]:
                        reports.append(self.company.imports.run(obj))
                    self._save(entry, next_at=_next(entry["next_at"], entry["interval"], now))
                continue
            # hh2: capture first, so a 30-minute step that coincides with a 5-minute step sees fresh data
            if now >= entry["next_capture"]:
                self.capture(entry["objects"])
                self._save(entry, next_capture=_next(entry["next_capture"], entry["capture_every"], now))
                entry = next(e for e in self.entries() if e["id"] == entry["id"])
            if now >= entry["next_apply"]:
                reports.extend(self.apply(entry["objects"]))
                self._save(entry, next_apply=_next(entry["next_apply"], entry["apply_every"], now))
        return reports

    def sync_now(self) -> list[ImportReport]:
        """On-demand sync: step 1 (ERP to hh2) then step 2 (hh2 to Procore) right away."""
        entry = next((e for e in self.entries() if e["mode"] == "hh2"), None)
        objects = entry["objects"] if entry else list(getattr(self.company.require_connector(),
                                                              "default_schedule", ("", ()))[1])
        self.capture(objects)
        return self.apply(objects)

    def _save(self, entry: dict[str, Any], **changes: Any) -> None:
        data = {k: v for k, v in entry.items() if k != "id"}
        data.update(changes)
        self.company.records.update(KIND, entry["id"], data)

    # -- the hh2 snapshot ------------------------------------------------------------

    def capture(self, objects: list[str]) -> None:
        """Step 1: read what the scheduled imports need from the ERP and keep it as the snapshot."""
        connector = self.company.require_connector()
        imports = self.company.imports
        data: dict[str, Any] = {"captured_at": self.company.clock.time()}
        jobs = [pr for pr in self.company.projects.all() if pr.synced and pr.erp_job_id]
        for obj in objects:
            if obj == "standard_cost_codes":
                data["cost_codes"] = encode(imports._fetch("cost codes", connector.fetch_cost_codes))
            elif obj == "cost_types":
                data["cost_types"] = encode(imports._fetch("cost types", connector.fetch_cost_types))
            elif obj == "vendors":
                data["vendors"] = encode(imports._fetch("vendors", connector.fetch_vendors))
            elif obj == "job_costs":
                today = self.company.today()
                data["job_costs"] = {pr.erp_job_id: encode(imports._fetch(
                    "job costs", lambda j=pr.erp_job_id: connector.fetch_job_costs(j, today))) for pr in jobs}
            elif obj == "direct_costs":
                data["transactions"] = {pr.erp_job_id: encode(imports._fetch(
                    "cost transactions", lambda j=pr.erp_job_id: connector.fetch_cost_transactions(j))) for pr in jobs}
            elif obj == "commitment_payments":
                origins = {}
                for record in self.company.records.iter("pm.invoice"):
                    if record.data.get("erp_status") == "synced" and record.data.get("origin_id"):
                        origins[record.data["origin_id"]] = record.data.get("origin_data") or {}
                data["payments"] = encode(imports._fetch("payments", lambda: connector.fetch_payments(origins)))
        record = self.company.records.get_by_key(SNAPSHOT, "latest")
        if record is None:
            self.company.records.insert(SNAPSHOT, data, key="latest")
        else:
            self.company.records.update(SNAPSHOT, record.id, data)

    def apply(self, objects: list[str]) -> list[ImportReport]:
        """Step 2: bring the latest snapshot into Procore."""
        record = self.company.records.get_by_key(SNAPSHOT, "latest")
        if record is None:
            return []
        source = Snapshot(record.data)
        return [self.company.imports.run(obj, source=source) for obj in objects]


def _next(previous: float, interval: float, now: float) -> float:
    """The next due time after ``now`` on the original cadence (missed runs collapse into one)."""
    steps = int((now - previous) // interval) + 1
    return float(previous + steps * interval)


class Snapshot:
    """The hh2 cloud's copy of the ERP, read like a connector."""

    source_title = "hh2 snapshot"

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def _get(self, name: str, cls: type[Any], job: str | None = None) -> list[Any]:
        raw = self.data.get(name)
        if raw is None:
            raise SyncError(f"the hh2 snapshot holds no {name.replace('_', ' ')}")
        if job is not None:
            raw = raw.get(job, [])
        return [decode(cls, item) for item in raw]

    def fetch_cost_codes(self) -> list[p.ErpCostCode]:
        return self._get("cost_codes", p.ErpCostCode)

    def fetch_cost_types(self) -> list[p.ErpCostType]:
        return self._get("cost_types", p.ErpCostType)

    def fetch_vendors(self) -> list[p.ErpVendor]:
        return self._get("vendors", p.ErpVendor)

    def fetch_job_costs(self, job_id: str, today: dt.date) -> list[p.ErpJobCost]:
        return self._get("job_costs", p.ErpJobCost, job_id)

    def fetch_cost_transactions(self, job_id: str) -> list[p.ErpCostTransaction]:
        return self._get("transactions", p.ErpCostTransaction, job_id)

    def fetch_payments(self, invoice_origins: dict[str, Any]) -> list[p.ErpPayment]:
        return self._get("payments", p.ErpPayment)


# -- dataclass <-> JSON for the snapshot ------------------------------------------------------


def encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def decode(cls: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(cls)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(cls) if a is not type(None)]
        return decode(args[0], raw)
    if origin in (tuple, list):
        (inner, *_) = typing.get_args(cls)
        return (tuple if origin is tuple else list)(decode(inner, v) for v in raw)
    if origin is dict:
        return dict(raw)
    if dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls)
        return cls(**{f.name: decode(hints[f.name], raw[f.name]) for f in dataclasses.fields(cls) if f.name in raw})
    if cls is Decimal:
        return Decimal(raw)
    if cls is dt.date:
        return dt.date.fromisoformat(raw)
    return raw
