"""Capability matrices: which objects each connector moves which way, and its field limits.

Each connector declares one matrix taken from the seeds' feature maps. The sync
core consults it before it builds a payload, so a refusal never costs an HTTP
call, and every refusal names its rule (``sage100.sub_jobs.import_only``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sync_core.errors import Refused


class Direction(StrEnum):
    EXPORT = "export"
    IMPORT = "import"


# The objects of the ERP Integrations tool, in Procore's words.
OBJECTS: dict[str, str] = {
    "standard_cost_codes": "standard cost codes",
    "cost_types": "cost types",
    "projects": "projects",
    "sub_jobs": "sub jobs",
    "vendors": "companies (vendors)",
    "budgets": "budgets",
    "budget_modifications": "budget modifications",
    "commitments": "commitments",
    "commitment_change_orders": "commitment change orders",
    "prime_contracts": "prime contracts",
    "prime_contract_change_orders": "prime contract change orders",
    "subcontractor_invoices": "subcontractor invoices",
    "job_costs": "job costs",
    "direct_costs": "job cost transactions (direct costs)",
    "commitment_payments": "commitment payments issued",
}


@dataclass(frozen=True)
class Capability:
    object: str
    export: bool
    import_: bool
    erp_object: str
    """What the ERP calls it, as the seed's mapping table does (``AP VENDORS``)."""
    export_note: str = ""
    """Why export is refused, when it is."""
    import_note: str = ""


@dataclass(frozen=True)
class Limit:
    """A per-ERP field limit. ``truncate`` limits are applied at export; the rest refuse the send."""

    object: str
    field: str
    label: str
    rule: str
    max_length: int | None = None
    truncate: bool = False
    pattern: str | None = None
    pattern_text: str = ""

    def check(self, value: Any) -> tuple[str | None, Any]:
        """(problem or None, value to export)."""
        if value is None:
            return None, value
        text = str(value)
        if self.pattern is not None and not re.fullmatch(self.pattern, text):
            return f"{self.label} {text!r} {self.pattern_text}", value
        if self.max_length is not None and len(text) > self.max_length:
            if self.truncate:
                return None, text[: self.max_length]
            return f"{self.label} must be {self.max_length} characters or fewer (it has {len(text)})", value
        return None, value


@dataclass
class CapabilityMatrix:
    erp: str
    title: str
    capabilities: Mapping[str, Capability]
    limits: tuple[Limit, ...] = ()
    cost_code_delimiters: str = "-./"
    notes: dict[str, str] = field(default_factory=dict)

    def capability(self, object_name: str) -> Capability:
        try:
            return self.capabilities[object_name]
        except KeyError:
            note = f"{self.title} has no counterpart for {OBJECTS.get(object_name, object_name)}"
            return Capability(object_name, False, False, "", export_note=note, import_note=note)

    def supports(self, object_name: str, direction: Direction) -> bool:
        cap = self.capability(object_name)
        return cap.export if direction is Direction.EXPORT else cap.import_

    def require(self, object_name: str, direction: Direction) -> Capability:
        """Raise ``Refused`` naming the rule unless ``object_name`` moves in ``direction``."""
        cap = self.capability(object_name)
        if self.supports(object_name, direction):
            return cap
        other = cap.import_ if direction is Direction.EXPORT else cap.export
        if other:
            suffix = "import_only" if direction is Direction.EXPORT else "export_only"
        else:
            suffix = "unsupported"
        note = cap.export_note if direction is Direction.EXPORT else cap.import_note
        what = OBJECTS.get(object_name, object_name)
        verb = "exported to" if direction is Direction.EXPORT else "imported from"
        message = f"{what.capitalize()} cannot be {verb} {self.title}"
        if suffix == "import_only":
            message += f": the {self.title} connector imports {what} only"
        elif suffix == "export_only":
            message += f": the {self.title} connector exports {what} only"
        if note:
            message += f". {note}"
        raise Refused(f"{self.erp}.{object_name}.{suffix}", message)

    def limits_for(self, object_name: str) -> list[Limit]:
        return [lim for lim in self.limits if lim.object == object_name]

    def check_limits(self, object_name: str, values: Mapping[str, Any]) -> tuple[list[tuple[str, str]], dict[str, Any]]:
        """Every limit breach as (rule, message), and the values as they will be exported.

        The message does not name the rule: whoever reports the breach tags it once (``Refused`` does).
        """
        breaches: list[tuple[str, str]] = []
        out = dict(values)
        for lim in self.limits_for(object_name):
            if lim.field not in values:
                continue
            problem, exported = lim.check(values[lim.field])
            if problem:
                breaches.append((lim.rule, f"{problem} in {self.title}"))
            else:
                out[lim.field] = exported
        return breaches, out

    def rows(self) -> Iterable[tuple[str, str, str, str]]:
        """(Procore object, export, import, ERP object) rows for docs and reports."""
        for name, cap in self.capabilities.items():
            yield (OBJECTS.get(name, name), "yes" if cap.export else "no", "yes" if cap.import_ else "no",
                   cap.erp_object)
