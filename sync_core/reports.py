"""What an import reports, and which imports a schedule can run (object name -> ``Imports`` method)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCHEDULABLE: dict[str, str] = {
    "standard_cost_codes": "cost_codes",
    "cost_types": "cost_types",
    "vendors": "vendors",
    "job_costs": "job_costs",
    "direct_costs": "direct_costs",
    "commitment_payments": "payments",
}


@dataclass
class ImportReport:
    object: str
    created: list[Any] = field(default_factory=list)
    updated: list[Any] = field(default_factory=list)
    unchanged: list[Any] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    source: str = "ERP"

    def __str__(self) -> str:
        lines = [f"import {self.object} from {self.source}: {len(self.created)} created, {len(self.updated)} updated, "
                 f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"]
        lines.extend(f"  skipped {what}: {why}" for what, why in self.skipped)
        return "\n".join(lines)

    def merge(self, other: ImportReport) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.skipped += other.skipped
