"""The Procore side's storage: one store tenant per Procore company, kinds ``pm.*``.

This is a thin layer over ``simulator.store.Records``: it adds the origin-id
index (unique per object type within a company), the audit trail and the
export ledger. Nothing here talks to an ERP.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

from simulator.store import DuplicateKey, Record, Records, Store
from sync_core.errors import DuplicateOriginId
from sync_core.workflow import AuditEntry

ORIGIN = "pm.origin"
LEDGER = "pm.export"
AUDIT = "pm.audit."
TENANT_PREFIX = "procore:"


def tenant_id(company_id: str) -> str:
    return f"{TENANT_PREFIX}{company_id}"


class CompanyRecords:
    """A Procore company's records, plus the indexes the ERP workflow needs."""

    def __init__(self, store: Store, company_id: str, *, tenant: str | None = None,
                 on_audit: Callable[[AuditEntry, str], None] | None = None) -> None:
        self.store = store
        self.company_id = company_id
        self.on_audit = on_audit
        """Told of every audit entry as it is written (the served simulator turns them into webhook events)."""
        self.records: Records = store.records(tenant or tenant_id(company_id))

    # -- plain records -------------------------------------------------------

    def insert(self, kind: str, data: dict[str, Any], *, key: str | None = None, parent: int | None = None) -> int:
        return self.records.insert(kind, data, key=key, parent=parent)

    def get(self, kind: str, id: int) -> Record | None:
        return self.records.get(kind, id)

    def get_by_key(self, kind: str, key: str) -> Record | None:
        return self.records.get_by_key(kind, key)

    def update(self, kind: str, id: int, data: dict[str, Any], *, key: str | None = None) -> None:
        self.records.update(kind, id, data, key=key)

    def delete(self, kind: str, id: int) -> bool:
        return self.records.delete(kind, id)

    def children(self, kind: str, parent: int) -> list[Record]:
        return self.records.children(kind, parent)

    def iter(self, kind: str) -> Iterator[Record]:
        return self.records.iter(kind)

    # -- origin ids ----------------------------------------------------------

    def link_origin(self, object_type: str, origin_id: str, kind: str, id: int) -> None:
        """Claim ``origin_id`` for one object; unique per object type within the company."""
        key = f"{object_type}:{origin_id}"
        current = self.records.get_by_key(ORIGIN, key)
        if current is not None:
            if current.data["kind"] == kind and current.data["id"] == id:
                return
            raise DuplicateOriginId(
                f"origin id {origin_id!r} is already linked to {object_type} #{current.data['id']} in this company; "
                f"origin ids are unique per object type within a company"
            )
        try:
            self.records.insert(ORIGIN, {"kind": kind, "id": id}, key=key)
        except DuplicateKey as exc:  # lost a race with another writer
            raise DuplicateOriginId(f"origin id {origin_id!r} is already linked to another {object_type}") from exc

    def unlink_origin(self, object_type: str, origin_id: str) -> None:
        record = self.records.get_by_key(ORIGIN, f"{object_type}:{origin_id}")
        if record is not None:
            self.records.delete(ORIGIN, record.id)

    def by_origin(self, object_type: str, origin_id: str) -> tuple[str, int] | None:
        record = self.records.get_by_key(ORIGIN, f"{object_type}:{origin_id}")
        return None if record is None else (record.data["kind"], record.data["id"])

    # -- export ledger -------------------------------------------------------

    def ledger(self, slug: str, id: int) -> dict[str, Any] | None:
        record = self.records.get_by_key(LEDGER, f"{slug}:{id}")
        return None if record is None else record.data

    def note_attempt(self, slug: str, id: int, at: str) -> dict[str, Any]:
        """Record, before a create request leaves, that this item's export is being attempted."""
        key = f"{slug}:{id}"
        with self.store.transaction():
            record = self.records.get_by_key(LEDGER, key)
            if record is None:
                data = {"token": str(uuid.uuid4()), "attempts": 1, "first_at": at, "last_at": at}
                self.records.insert(LEDGER, data, key=key)
                return data
            data = dict(record.data, attempts=record.data["attempts"] + 1, last_at=at)
            self.records.update(LEDGER, record.id, data)
            return data

    def ensure_ledger(self, slug: str, id: int, at: str) -> dict[str, Any]:
        """The ledger entry (with its stable idempotency token) without counting an attempt."""
        key = f"{slug}:{id}"
        record = self.records.get_by_key(LEDGER, key)
        if record is not None:
            return record.data
        data = {"token": str(uuid.uuid4()), "attempts": 0, "first_at": at, "last_at": at}
        self.records.insert(LEDGER, data, key=key)
        return data

    def forget_ledger(self, slug: str, id: int) -> None:
        record = self.records.get_by_key(LEDGER, f"{slug}:{id}")
        if record is not None:
            self.records.delete(LEDGER, record.id)

    # -- audit trail ---------------------------------------------------------

    def audit(self, entry: AuditEntry, slug: str) -> None:
        self.records.insert(AUDIT + slug, {
            "at": entry.at, "actor": entry.actor, "action": entry.action, "object_type": entry.object_type,
            "object_id": entry.object_id, "from": entry.from_status, "to": entry.to_status, "detail": entry.detail,
            "seq": self.records.next_value("pm.audit.seq"),
        }, parent=entry.object_id)
        if self.on_audit is not None:
            self.on_audit(entry, slug)

    def history(self, slug: str, id: int) -> list[AuditEntry]:
        return [_entry(r.data) for r in self.records.children(AUDIT + slug, id)]

    def audit_log(self) -> list[AuditEntry]:
        rows: list[dict[str, Any]] = []
        for kind in self.records.kinds():
            if kind.startswith(AUDIT):
                rows.extend(r.data for r in self.records.iter(kind))
        return [_entry(d) for d in sorted(rows, key=lambda d: d["seq"])]


def _entry(data: dict[str, Any]) -> AuditEntry:
    return AuditEntry(data["at"], data["actor"], data["action"], data["object_type"], data["object_id"],
                      data["from"], data["to"], data["detail"])
