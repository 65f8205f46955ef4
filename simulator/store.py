"""Live state: one SQLite database, every row scoped to a tenant.

Records are JSON documents addressed by ``(tenant, kind, id)``. ``kind`` is the
ERP-qualified object name (``intacct.VENDOR``, ``sage100.actrec``). Each record
may carry a business ``key`` (unique per kind, indexed) and a ``parent`` id
(indexed) so line tables can be read by header without a scan.

Tenant isolation lives here and nowhere else: a ``Records`` handle is bound to
one tenant and every statement it issues filters on it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS tenants (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    fixture TEXT,
    config TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE IF NOT EXISTS records (
    tenant TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    id INTEGER NOT NULL,
    key TEXT,
    parent INTEGER,
    data TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS records_by_key ON records (tenant, kind, key) WHERE key IS NOT NULL;
-- Narrow entries (tenant, kind, id) so counting and skipping never walk the documents.
CREATE INDEX IF NOT EXISTS records_by_kind ON records (tenant, kind, id);
CREATE INDEX IF NOT EXISTS records_by_parent ON records (tenant, kind, parent) WHERE parent IS NOT NULL;
-- Row counts per kind, kept in the same transactions as the rows: counting a
-- large kind by walking an index costs milliseconds on every paged query.
CREATE TABLE IF NOT EXISTS kind_counts (
    tenant TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (tenant, kind)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sequences (
    tenant TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (tenant, name)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    tenant TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    erp TEXT NOT NULL,
    user TEXT NOT NULL,
    expires_at REAL NOT NULL,
    data TEXT NOT NULL
);
"""


class StoreError(Exception):
    """A store-level refusal (unknown tenant, duplicate key)."""


class DuplicateKey(StoreError):
    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} with key {key!r} already exists")
        self.kind = kind
        self.key = key


@dataclass(frozen=True)
class Record:
    id: int
    key: str | None
    parent: int | None
    data: dict[str, Any]


@dataclass(frozen=True)
class Tenant:
    id: str
    name: str
    fixture: str | None
    config: dict[str, Any]
    created_at: str


def _row_to_record(row: tuple[Any, ...]) -> Record:
    return Record(id=row[0], key=row[1], parent=row[2], data=json.loads(row[3]))


class Store:
    """A SQLite database shared by all tenants; ``:memory:`` for tests.

    One connection, guarded by a re-entrant lock: the simulator is a single
    process and SQLite serialises writers anyway. ``transaction()`` nests with
    savepoints, so a request can be atomic and each function within it too.
    """

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA busy_timeout = 5000")
        self._conn.executescript(SCHEMA)
        # Parsed tenants and sessions: every request reads both, and only this class writes them.
        self._tenants: dict[str, Tenant] = {}
        self._sessions: dict[str, tuple[str, str, str, float, dict[str, Any]]] = {}

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Atomic unit: everything inside commits together or not at all."""
        with self._lock:
            name = f"sp{self._depth}"
            if self._depth == 0:
                self._conn.execute("BEGIN IMMEDIATE")
            else:
                self._conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("ROLLBACK")
                    self._tenants.clear()
                    self._sessions.clear()
                else:
                    self._conn.execute(f"ROLLBACK TO {name}")
                    self._conn.execute(f"RELEASE {name}")
                raise
            else:
                self._depth -= 1
                if self._depth == 0:
                    self._conn.execute("COMMIT")
                else:
                    self._conn.execute(f"RELEASE {name}")

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction if none is open; inside one, the caller's already covers us (no extra savepoint)."""
        with self._lock:
            if self._depth:
                yield
            else:
                with self.transaction():
                    yield

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.execute(sql, params)

    # -- tenants -------------------------------------------------------------

    def create_tenant(self, tenant_id: str, name: str, config: dict[str, Any], fixture: str | None = None) -> Tenant:
        with self.transaction():
            if self.get_tenant(tenant_id) is not None:
                raise DuplicateKey("tenant", tenant_id)
            self.execute(
                "INSERT INTO tenants (id, name, fixture, config) VALUES (?, ?, ?, ?)",
                (tenant_id, name, fixture, json.dumps(config)),
            )
        tenant = self.get_tenant(tenant_id)
        assert tenant is not None
        return tenant

    def get_tenant(self, tenant_id: str) -> Tenant | None:
        """The tenant, shared from a cache: treat its ``config`` as read-only (change it with update_tenant)."""
        with self._lock:
            cached = self._tenants.get(tenant_id)
            if cached is not None:
                return cached
            row = self.execute(
                "SELECT id, name, fixture, config, created_at FROM tenants WHERE id = ?", (tenant_id,)
            ).fetchone()
            if row is None:
                return None
            tenant = Tenant(row[0], row[1], row[2], json.loads(row[3]), row[4])
            if self._depth == 0:  # only cache what is committed
                self._tenants[tenant_id] = tenant
            return tenant

    def list_tenants(self) -> list[Tenant]:
        rows = self.execute("SELECT id, name, fixture, config, created_at FROM tenants ORDER BY id").fetchall()
        return [Tenant(r[0], r[1], r[2], json.loads(r[3]), r[4]) for r in rows]

    def update_tenant(self, tenant_id: str, *, name: str | None = None, config: dict[str, Any] | None = None) -> None:
        self._tenants.clear()
        with self.transaction():
            if name is not None:
                self.execute("UPDATE tenants SET name = ? WHERE id = ?", (name, tenant_id))
            if config is not None:
                self.execute("UPDATE tenants SET config = ? WHERE id = ?", (json.dumps(config), tenant_id))

    def delete_tenant(self, tenant_id: str) -> bool:
        self._tenants.clear()
        self._sessions.clear()
        with self.transaction():
            return self.execute("DELETE FROM tenants WHERE id = ?", (tenant_id,)).rowcount > 0

    def records(self, tenant_id: str) -> Records:
        return Records(self, tenant_id)

    # -- sessions (volatile, but kept here so a restart keeps clients signed in) --

    def put_session(self, token: str, tenant: str, erp: str, user: str, expires_at: float, data: dict[str, Any]) -> None:
        with self._lock:
            self.execute(
                "INSERT OR REPLACE INTO sessions (token, tenant, erp, user, expires_at, data) VALUES (?, ?, ?, ?, ?, ?)",
                (token, tenant, erp, user, expires_at, json.dumps(data)),
            )
            self._sessions[token] = (tenant, erp, user, expires_at, json.loads(json.dumps(data)))

    def get_session(self, token: str, erp: str) -> tuple[str, str, float, dict[str, Any]] | None:
        with self._lock:
            cached = self._sessions.get(token)
            if cached is None:
                row = self.execute(
                    "SELECT tenant, erp, user, expires_at, data FROM sessions WHERE token = ?", (token,)
                ).fetchone()
                if row is None:
                    return None
                cached = (row[0], row[1], row[2], row[3], json.loads(row[4]))
                self._sessions[token] = cached
            tenant, kind, user, expires_at, data = cached
            # A private copy: callers change session data and store it back with put_session.
            return None if kind != erp else (tenant, user, expires_at, json.loads(json.dumps(data)))

    def touch_session(self, token: str, expires_at: float) -> None:
        with self._lock:
            self.execute("UPDATE sessions SET expires_at = ? WHERE token = ?", (expires_at, token))
            cached = self._sessions.get(token)
            if cached is not None:
                self._sessions[token] = (*cached[:3], expires_at, cached[4])

    def delete_session(self, token: str) -> None:
        with self._lock:
            self.execute("DELETE FROM sessions WHERE token = ?", (token,))
            self._sessions.pop(token, None)

    def forget_sessions(self) -> None:
        with self._lock:
            self._sessions.clear()

    def count_sessions(self, tenant: str, erp: str, now: float, user: str | None = None) -> int:
        sql = "SELECT COUNT(*) FROM sessions WHERE tenant = ? AND erp = ? AND expires_at > ?"
        params: tuple[Any, ...] = (tenant, erp, now)
        if user is not None:
            sql += " AND user = ?"
            params += (user,)
        return int(self.execute(sql, params).fetchone()[0])


class Records:
    """One tenant's records. Every method filters on the tenant it was made for."""

    def __init__(self, store: Store, tenant: str) -> None:
        self.store = store
        self.tenant = tenant

    def next_value(self, sequence: str, start: int = 1) -> int:
        row = self.store.execute(
            "INSERT INTO sequences (tenant, name, value) VALUES (?, ?, ?) "
            "ON CONFLICT (tenant, name) DO UPDATE SET value = value + 1 RETURNING value",
            (self.tenant, sequence, start),
        ).fetchone()
        return int(row[0])

    def insert(
        self,
        kind: str,
        data: dict[str, Any],
        *,
        key: str | None = None,
        parent: int | None = None,
        id: int | None = None,
    ) -> int:
        with self.store.atomic():
            record_id = self.next_value(kind) if id is None else id
            try:
                self.store.execute(
                    "INSERT INTO records (tenant, kind, id, key, parent, data) VALUES (?, ?, ?, ?, ?, ?)",
                    (self.tenant, kind, record_id, key, parent, json.dumps(data)),
                )
            except sqlite3.IntegrityError as exc:
                # The unique indexes are the guard; a statement error leaves the transaction usable.
                raise DuplicateKey(kind, key if key is not None else str(record_id)) from exc
            self._counted(kind, 1)
        return record_id

    def _counted(self, kind: str, delta: int) -> None:
        if delta:
            self.store.execute(
                "INSERT INTO kind_counts (tenant, kind, n) VALUES (?, ?, ?) "
                "ON CONFLICT (tenant, kind) DO UPDATE SET n = n + excluded.n",
                (self.tenant, kind, delta),
            )

    def get(self, kind: str, id: int) -> Record | None:
        row = self.store.execute(
            "SELECT id, key, parent, data FROM records WHERE tenant = ? AND kind = ? AND id = ?",
            (self.tenant, kind, id),
        ).fetchone()
        return None if row is None else _row_to_record(row)

    def get_by_key(self, kind: str, key: str) -> Record | None:
        row = self.store.execute(
            "SELECT id, key, parent, data FROM records WHERE tenant = ? AND kind = ? AND key = ?",
            (self.tenant, kind, key),
        ).fetchone()
        return None if row is None else _row_to_record(row)

    def update(
        self,
        kind: str,
        id: int,
        data: dict[str, Any],
        *,
        key: str | None = None,
        parent: int | None = None,
    ) -> None:
        """Replace a record's document; ``key`` and ``parent`` change only when given."""
        with self.store.atomic():
            current = self.get(kind, id)
            if current is None:
                raise StoreError(f"{kind} {id} does not exist")
            new_key = current.key if key is None else key
            if new_key != current.key and new_key is not None and self.get_by_key(kind, new_key) is not None:
                raise DuplicateKey(kind, new_key)
            self.store.execute(
                "UPDATE records SET data = ?, key = ?, parent = ? WHERE tenant = ? AND kind = ? AND id = ?",
                (
                    json.dumps(data),
                    new_key,
                    current.parent if parent is None else parent,
                    self.tenant,
                    kind,
                    id,
                ),
            )

    def delete(self, kind: str, id: int) -> bool:
        with self.store.atomic():
            cur = self.store.execute(
                "DELETE FROM records WHERE tenant = ? AND kind = ? AND id = ?", (self.tenant, kind, id)
            )
            self._counted(kind, -cur.rowcount)
        return cur.rowcount > 0

    def children(self, kind: str, parent: int) -> list[Record]:
        rows = self.store.execute(
            "SELECT id, key, parent, data FROM records WHERE tenant = ? AND kind = ? AND parent = ? ORDER BY id",
            (self.tenant, kind, parent),
        ).fetchall()
        return [_row_to_record(r) for r in rows]

    def delete_children(self, kind: str, parent: int) -> int:
        with self.store.atomic():
            cur = self.store.execute(
                "DELETE FROM records WHERE tenant = ? AND kind = ? AND parent = ?", (self.tenant, kind, parent)
            )
            self._counted(kind, -cur.rowcount)
        return cur.rowcount

    def scan(
        self,
        kind: str,
        *,
        offset: int = 0,
        limit: int | None = None,
        after_id: int | None = None,
        descending: bool = False,
    ) -> list[Record]:
        """Records of one kind in id order; ``after_id`` gives keyset paging."""
        direction = "DESC" if descending else "ASC"
        where = "tenant = ? AND kind = ?"
        params: tuple[Any, ...] = (self.tenant, kind)
        if after_id is not None:
            where += " AND id < ?" if descending else " AND id > ?"
            params += (after_id,)
        if offset:
            # Skip along the narrow index, then read only the page's documents.
            sql = (f"SELECT id, key, parent, data FROM records WHERE tenant = ? AND kind = ? AND id IN "
                   f"(SELECT id FROM records INDEXED BY records_by_kind WHERE {where} ORDER BY id {direction} "
                   f"LIMIT ? OFFSET ?) ORDER BY id {direction}")
            params = (self.tenant, kind, *params, -1 if limit is None else limit, offset)
        else:
            sql = f"SELECT id, key, parent, data FROM records WHERE {where} ORDER BY id {direction} LIMIT ?"
            params += (-1 if limit is None else limit,)
        return [_row_to_record(r) for r in self.store.execute(sql, params).fetchall()]

    def scan_fields(
        self, kind: str, fields: list[str], *, offset: int = 0, limit: int | None = None, descending: bool = False
    ) -> list[tuple[Any, ...]]:
        """Only the named top-level fields of a page of records, extracted by SQLite.

        Paged reads that want a few fields skip decoding whole documents in Python.
        """
        direction = "DESC" if descending else "ASC"
        columns = ", ".join("json_extract(data, ?)" for _ in fields) or "id"
        paths = tuple('$."' + f.replace('"', '""') + '"' for f in fields)
        sql = (f"SELECT {columns} FROM records WHERE tenant = ? AND kind = ? AND id IN "
               f"(SELECT id FROM records INDEXED BY records_by_kind WHERE tenant = ? AND kind = ? "
               f"ORDER BY id {direction} LIMIT ? OFFSET ?) ORDER BY id {direction}")
        params = (*paths, self.tenant, kind, self.tenant, kind, -1 if limit is None else limit, offset)
        return [tuple(r) for r in self.store.execute(sql, params).fetchall()]

    def iter(self, kind: str, batch: int = 1000) -> Iterator[Record]:
        """Every record of a kind, read in keyset batches so memory stays flat."""
        last: int | None = None
        while True:
            page = self.scan(kind, limit=batch, after_id=last)
            yield from page
            if len(page) < batch:
                return
            last = page[-1].id

    def ids(self, kind: str) -> list[int]:
        """Every id of a kind, in order, without reading the documents."""
        rows = self.store.execute(
            "SELECT id FROM records INDEXED BY records_by_kind WHERE tenant = ? AND kind = ? ORDER BY id",
            (self.tenant, kind),
        ).fetchall()
        return [r[0] for r in rows]

    def count(self, kind: str) -> int:
        row = self.store.execute(
            "SELECT n FROM kind_counts WHERE tenant = ? AND kind = ?", (self.tenant, kind)
        ).fetchone()
        return 0 if row is None else int(row[0])

    def kinds(self) -> list[str]:
        rows = self.store.execute(
            "SELECT DISTINCT kind FROM records WHERE tenant = ? ORDER BY kind", (self.tenant,)
        ).fetchall()
        return [r[0] for r in rows]

    def sequences(self) -> dict[str, int]:
        rows = self.store.execute("SELECT name, value FROM sequences WHERE tenant = ?", (self.tenant,)).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def set_sequence(self, name: str, value: int) -> None:
        self.store.execute(
            "INSERT OR REPLACE INTO sequences (tenant, name, value) VALUES (?, ?, ?)", (self.tenant, name, value)
        )

    def clear(self) -> None:
        """Drop every record, sequence and session of this tenant."""
        with self.store.transaction():
            self.store.forget_sessions()
            for table in ("records", "kind_counts", "sequences", "sessions"):
                self.store.execute(f"DELETE FROM {table} WHERE tenant = ?", (self.tenant,))
