"""Tenants (companies): creation, seeding, reset, snapshot and restore.

A tenant is one construction company. It has one set of books in each ERP the
simulator fakes; each ERP room keeps its records under its own kinds
(``intacct.VENDOR``, ``acumatica.Vendor``) and its own settings under
``config[erp]``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage
from tinydb.table import Document

from simulator import datasets
from simulator.services import Config, Service
from simulator.store import Store, StoreError, Tenant

DEMO_TENANT = "demo"
DEMO_NAME = "Demo Construction"
TENANT_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")

META_TENANT = "_tenant"
META_SEQUENCES = "_sequences"


class TenantError(Exception):
    """A refusal the admin API turns into a 4xx with this message."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


class Tenants:
    def __init__(self, store: Store, services: Sequence[Service]) -> None:
        self.store = store
        self.services = list(services)

    def get(self, tenant_id: str) -> Tenant:
        tenant = self.store.get_tenant(tenant_id)
        if tenant is None:
            raise TenantError(f"no tenant {tenant_id!r}", status=404)
        return tenant

    def list(self) -> list[Tenant]:
        return self.store.list_tenants()

    def default_config(self, tenant_id: str, name: str) -> Config:
        return {svc.name: svc.default_config(tenant_id, name) for svc in self.services}

    def create(
        self,
        tenant_id: str,
        name: str | None = None,
        *,
        fixture: str | None = None,
        config: dict[str, Any] | None = None,
    ) -> Tenant:
        if not isinstance(tenant_id, str) or not TENANT_ID.match(tenant_id):
            raise TenantError("tenant id must be 1-40 lowercase letters, digits, '-' or '_', starting with a letter or digit")
        name = name or tenant_id
        merged = deep_merge(self.default_config(tenant_id, name), config or {})
        dataset = self._dataset(fixture) if fixture else None
        with self.store.transaction():
            try:
                self.store.create_tenant(tenant_id, name, merged, fixture=fixture)
            except StoreError as exc:
                raise TenantError(f"tenant {tenant_id!r} already exists", status=409) from exc
            if dataset is not None:
                self._seed(tenant_id, dataset, merged)
        return self.get(tenant_id)

    def delete(self, tenant_id: str) -> None:
        if not self.store.delete_tenant(tenant_id):
            raise TenantError(f"no tenant {tenant_id!r}", status=404)

    def configure(self, tenant_id: str, changes: dict[str, Any]) -> Tenant:
        tenant = self.get(tenant_id)
        unknown = set(changes) - {svc.name for svc in self.services}
        if unknown:
            raise TenantError(f"unknown config sections: {', '.join(sorted(unknown))}")
        self.store.update_tenant(tenant_id, config=deep_merge(tenant.config, changes))
        return self.get(tenant_id)

    def seed(self, tenant_id: str, fixture: str | datasets.Dataset) -> None:
        tenant = self.get(tenant_id)
        dataset = fixture if isinstance(fixture, datasets.Dataset) else self._dataset(fixture)
        with self.store.transaction():
            self._seed(tenant_id, dataset, tenant.config)

    def reset(self, tenant_id: str) -> Tenant:
        """Back to how the tenant was created: empty, or freshly seeded from its fixture."""
        tenant = self.get(tenant_id)
        dataset = self._dataset(tenant.fixture) if tenant.fixture else None
        with self.store.transaction():
            self.store.records(tenant_id).clear()
            if dataset is not None:
                self._seed(tenant_id, dataset, tenant.config)
        return tenant

    def resolve(self, erp: str, field: str, value: str, *, case_sensitive: bool = False) -> Tenant | None:
        """The tenant whose ``config[erp][field]`` equals ``value`` (how ERPs find a company at login)."""
        wanted = value if case_sensitive else value.casefold()
        for tenant in self.store.list_tenants():
            have = tenant.config.get(erp, {}).get(field)
            if isinstance(have, str) and (have if case_sensitive else have.casefold()) == wanted:
                return tenant
        return None

    def add_missing_services(self) -> list[tuple[str, str]]:
        """Give every tenant books in ERP rooms added since it was created.

        A database from an older erpsim has no settings (so no logins) for a newer
        room; this adds that room's defaults and, for a seeded tenant, its fixture.
        """
        added = []
        for tenant in self.store.list_tenants():
            missing = [svc for svc in self.services if svc.name not in tenant.config]
            if not missing:
                continue
            config = dict(tenant.config)
            for svc in missing:
                config[svc.name] = svc.default_config(tenant.id, tenant.name)
            dataset = self._dataset(tenant.fixture) if tenant.fixture else None
            with self.store.transaction():
                self.store.update_tenant(tenant.id, config=config)
                for svc in missing:
                    if dataset is not None:
                        svc.seed(self.store.records(tenant.id), dataset, config[svc.name])
                    added.append((tenant.id, svc.name))
        return added

    def ensure_demo(self) -> bool:
        """Create the demo company unless it exists. True when it was created."""
        if self.store.get_tenant(DEMO_TENANT) is not None:
            return False
        self.create(DEMO_TENANT, DEMO_NAME, fixture="demo")
        return True

    # -- snapshots -----------------------------------------------------------

    def snapshot(self, tenant_id: str) -> dict[str, Any]:
        """The tenant's whole state as a TinyDB JSON document."""
        tenant = self.get(tenant_id)
        records = self.store.records(tenant_id)
        db = TinyDB(storage=MemoryStorage)
        db.table(META_TENANT).insert({"id": tenant.id, "name": tenant.name, "fixture": tenant.fixture,
                                      "config": tenant.config})
        db.table(META_SEQUENCES).insert_multiple(
            {"name": name, "value": value} for name, value in sorted(records.sequences().items())
        )
        for kind in records.kinds():
            table = db.table(kind)
            table.insert_multiple(
                Document({"key": r.key, "parent": r.parent, "data": r.data}, doc_id=r.id) for r in records.iter(kind)
            )
        return db.storage.read() or {}

    def restore(self, tenant_id: str, document: Any) -> Tenant:
        """Replace the tenant's state with a snapshot document."""
        self.get(tenant_id)
        meta, sequences, kinds = self._parse_snapshot(document)
        records = self.store.records(tenant_id)
        with self.store.transaction():
            records.clear()
            self.store.update_tenant(tenant_id, name=meta.get("name"), config=meta.get("config"))
            for seq in sequences:
                records.set_sequence(seq["name"], int(seq["value"]))
            for kind, rows in kinds.items():
                for doc_id, row in rows.items():
                    records.insert(kind, row["data"], key=row.get("key"), parent=row.get("parent"), id=int(doc_id))
        return self.get(tenant_id)

    # -- internals -----------------------------------------------------------

    def _dataset(self, fixture: str) -> datasets.Dataset:
        try:
            return datasets.load(fixture)
        except FileNotFoundError as exc:
            known = ", ".join(datasets.available()) or "none"
            raise TenantError(f"unknown fixture {fixture!r}; known fixtures: {known}", status=404) from exc

    def _seed(self, tenant_id: str, dataset: datasets.Dataset, config: Config) -> None:
        records = self.store.records(tenant_id)
        for svc in self.services:
            svc.seed(records, dataset, config.get(svc.name, {}))

    @staticmethod
    def _parse_snapshot(document: Any) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Any]]]:
        def bad(why: str) -> TenantError:
            return TenantError(f"not a snapshot document: {why}")

        if not isinstance(document, dict):
            raise bad("expected a JSON object of tables")
        meta_rows = document.get(META_TENANT)
        if not isinstance(meta_rows, dict) or len(meta_rows) != 1:
            raise bad(f"table {META_TENANT!r} must hold exactly one document")
        meta = next(iter(meta_rows.values()))
        if not isinstance(meta, dict) or not isinstance(meta.get("config"), dict):
            raise bad("the tenant document needs a 'config' object")
        seq_rows = document.get(META_SEQUENCES, {})
        if not isinstance(seq_rows, dict):
            raise bad(f"table {META_SEQUENCES!r} must be an object")
        sequences = []
        for row in seq_rows.values():
            if not isinstance(row, dict) or not isinstance(row.get("name"), str) or not isinstance(row.get("value"), int):
                raise bad("each sequence needs a string 'name' and an integer 'value'")
            sequences.append(row)
        kinds: dict[str, dict[str, Any]] = {}
        for table, rows in document.items():
            if table in (META_TENANT, META_SEQUENCES):
                continue
            if not isinstance(rows, dict):
                raise bad(f"table {table!r} must be an object of documents")
            for doc_id, row in rows.items():
                if not str(doc_id).isdigit():
                    raise bad(f"table {table!r} has a non-numeric document id {doc_id!r}")
                if not isinstance(row, dict) or not isinstance(row.get("data"), dict):
                    raise bad(f"document {table}/{doc_id} needs a 'data' object")
                if row.get("key") is not None and not isinstance(row["key"], str):
                    raise bad(f"document {table}/{doc_id} has a non-string 'key'")
                if row.get("parent") is not None and not isinstance(row["parent"], int):
                    raise bad(f"document {table}/{doc_id} has a non-integer 'parent'")
            kinds[table] = rows
        return meta, sequences, kinds
