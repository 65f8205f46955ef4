"""The tenant's Acumatica books: entity records over the shared store.

Each top-level record is one store row of kind ``acumatica.<Entity>``, keyed by
its case-folded business keys; its detail rows and linked entities live inside
the same document so a save is one write. A second kind maps each record's
``id`` (its NoteID GUID) back to its row, because ids are addressable per entity.

Project ledgers (``acumatica.pm.*``) are the server's own bookkeeping behind
budget roll-ups, parented by the project's row so a project's totals read by index.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from simulator.acumatica.entities import ENTITIES, Entity
from simulator.store import Cond, Records, declare_index, json_field

PREFIX = "acumatica."
ID_INDEX = "acumatica.#id"
KEY_SEP = "\x1f"

# Ledgers kept by the rules: actual costs/revenue and open commitments per project.
ACTUALS = "acumatica.pm.actual"
COMMITMENTS = "acumatica.pm.commitment"
FILES = "acumatica.#file"
LOGINS = "acumatica.#login"


def kind_of(ent: Entity) -> str:
    return PREFIX + ent.name


# -- indexes ------------------------------------------------------------------------------------
# ``$filter`` compares text case-insensitively, so text fields are indexed case-folded (the store's
# ``fold``, Python's casefold) and a filter compares folded values: one equality, in id order.


def field_column(name: str, path: str = "$") -> str:
    return json_field(f"{path}.fields.{name}")


def folded(column: str) -> str:
    return f"fold({column})"


def indexed_fields(ent: Entity) -> tuple[str, ...]:
    names = (*ent.keys, "LastModifiedDateTime", *ent.indexed)
    return tuple(dict.fromkeys(n for n in names if ent.field(n) is not None))


def index_expr(ent: Entity, name: str) -> str:
    fld = ent.field(name)
    assert fld is not None, f"{ent.name}.{name}"
    return folded(field_column(name)) if fld.type == "String" else field_column(name)


for _ent in ENTITIES.values():
    declare_index(kind_of(_ent), {name: index_expr(_ent, name) for name in indexed_fields(_ent)})


def key_of(values: list[Any]) -> str:
    return KEY_SEP.join("" if v is None else str(v).strip().casefold() for v in values)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Stored:
    rid: int
    node: dict[str, Any]


class Book:
    """One tenant's Acumatica records."""

    def __init__(self, records: Records) -> None:
        self.records = records
        # Rows found by key during this request; a write to a kind forgets that kind's rows.
        self._found: dict[tuple[str, str], Stored] = {}

    # -- entity records ---------------------------------------------------------------

    def key_values(self, ent: Entity, node: dict[str, Any]) -> list[Any]:
        fields = node.get("fields", {})
        return [fields.get(k) for k in ent.keys]

    def by_keys(self, ent: Entity, values: list[Any]) -> Stored | None:
        token = (kind_of(ent), key_of(values))
        found = self._found.get(token)
        if found is not None:
            return found
        rec = self.records.get_by_key(*token)
        if rec is None:
            return None
        found = self._found[token] = Stored(rec.id, rec.data)
        return found

    def _forget(self, ent: Entity) -> None:
        kind = kind_of(ent)
        for token in [t for t in self._found if t[0] == kind]:
            del self._found[token]

    def by_id(self, ent: Entity, record_id: str) -> Stored | None:
        try:
            canonical = str(uuid.UUID(record_id))
        except ValueError:
            return None
        ref = self.records.get_by_key(ID_INDEX, canonical)
        if ref is None or ref.data.get("entity") != ent.name:
            return None
        rec = self.records.get(kind_of(ent), int(ref.data["row"]))
        return None if rec is None else Stored(rec.id, rec.data)

    def get(self, ent: Entity, rid: int) -> Stored | None:
        rec = self.records.get(kind_of(ent), rid)
        return None if rec is None else Stored(rec.id, rec.data)

    def insert(self, ent: Entity, node: dict[str, Any], parent: int | None = None) -> int:
        with self.records.store.transaction():
            rid = self.records.insert(kind_of(ent), node, key=key_of(self.key_values(ent, node)), parent=parent)
            self.records.insert(ID_INDEX, {"entity": ent.name, "row": rid}, key=node["id"])
        return rid

    def update(self, ent: Entity, rid: int, node: dict[str, Any]) -> None:
        self._forget(ent)
        self.records.update(kind_of(ent), rid, node, key=key_of(self.key_values(ent, node)))

    def delete(self, ent: Entity, stored: Stored) -> None:
        self._forget(ent)
        with self.records.store.transaction():
            self.records.delete(kind_of(ent), stored.rid)
            ref = self.records.get_by_key(ID_INDEX, stored.node["id"])
            if ref is not None:
                self.records.delete(ID_INDEX, ref.id)

    def iter(self, ent: Entity, batch: int = 500) -> Iterator[Stored]:
        for rec in self.records.iter(kind_of(ent), batch=batch):
            yield Stored(rec.id, rec.data)

    def iter_where(self, ent: Entity, where: str | None, params: list[Any], batch: int = 500,
                   index: str | None = None) -> Iterator[Stored]:
        """Records whose stored JSON meets a SQL condition (a ``$filter`` narrowed in the database), in id order.

        Keyset batches through the store's ``select``, so declared indexes answer the condition.
        """
        last = 0
        raw = None if where is None else (where, params)
        while True:
            rows = self.records.select(kind_of(ent), [Cond("id", ">", last)], limit=batch, raw=raw, index=index)
            for rec in rows:
                yield Stored(rec.id, rec.data)
            if len(rows) < batch:
                return
            last = rows[-1].id

    def page(self, ent: Entity, offset: int, limit: int | None) -> list[Stored]:
        """One page in id order, read in one statement."""
        return [Stored(r.id, r.data) for r in self.records.select(kind_of(ent), offset=offset, limit=limit)]

    def children(self, ent: Entity, parent: int) -> list[Stored]:
        return [Stored(r.id, r.data) for r in self.records.children(kind_of(ent), parent)]

    def count(self, ent: Entity) -> int:
        return self.records.count(kind_of(ent))

    def next_number(self, sequence: str) -> int:
        return self.records.next_value(f"acumatica.{sequence}")

    # -- ledgers -------------------------------------------------------------------------

    def ledger(self, kind: str, project_rid: int) -> list[dict[str, Any]]:
        return [r.data for r in self.records.children(kind, project_rid)]

    def post(self, kind: str, project_rid: int, entry: dict[str, Any], key: str | None = None) -> None:
        if key is not None:
            existing = self.records.get_by_key(kind, key)
            if existing is not None:
                self.records.update(kind, existing.id, entry, parent=project_rid)
                return
        self.records.insert(kind, entry, key=key, parent=project_rid)

    def unpost(self, kind: str, key: str) -> None:
        existing = self.records.get_by_key(kind, key)
        if existing is not None:
            self.records.delete(kind, existing.id)

    def unpost_prefix(self, kind: str, project_rid: int, prefix: str) -> None:
        for rec in self.records.children(kind, project_rid):
            if rec.key is not None and rec.key.startswith(prefix):
                self.records.delete(kind, rec.id)

    # -- attachments ----------------------------------------------------------------------

    def put_file(self, entry: dict[str, Any]) -> None:
        self.records.insert(FILES, entry, key=entry["id"])

    def get_file(self, file_id: str) -> dict[str, Any] | None:
        rec = self.records.get_by_key(FILES, file_id)
        return None if rec is None else rec.data

    # -- sign-in bookkeeping ---------------------------------------------------------------

    def login_state(self, user: str) -> dict[str, Any]:
        rec = self.records.get_by_key(LOGINS, user.casefold())
        return {} if rec is None else dict(rec.data)

    def set_login_state(self, user: str, state: dict[str, Any]) -> None:
        rec = self.records.get_by_key(LOGINS, user.casefold())
        if rec is None:
            self.records.insert(LOGINS, state, key=user.casefold())
        else:
            self.records.update(LOGINS, rec.id, state)


def copy(node: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of a stored node (JSON-only data)."""
    return json.loads(json.dumps(node))
