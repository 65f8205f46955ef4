"""Live state: one SQLite database, every row scoped to a tenant.

Records are JSON documents addressed by ``(tenant, kind, id)``. ``kind`` is the
ERP-qualified object name (``intacct.VENDOR``, ``sage100.actrec``). Each record
may carry a business ``key`` (unique per kind, indexed) and a ``parent`` id
(indexed) so line tables can be read by header without a scan.

Tenant isolation lives here and nowhere else: a ``Records`` handle is bound to
one tenant and every statement it issues filters on it.

Listing reads go through ``Records.select``: filters (``Cond``), order, offset and
limit become one SQL statement, so a page reads only its own rows. A room declares,
next to each object's definition, the fields integrations filter on
(``declare_index``); each becomes a partial expression index over that kind's
documents. A filter on a field with no index still works: SQLite then scans the
kind's rows (still in C, without decoding documents in Python).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
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
-- Counts follow inserts and deletes inside SQLite: a write is one statement from Python.
CREATE TRIGGER IF NOT EXISTS records_counted_in AFTER INSERT ON records BEGIN
    INSERT INTO kind_counts (tenant, kind, n) VALUES (new.tenant, new.kind, 1)
    ON CONFLICT (tenant, kind) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS records_counted_out AFTER DELETE ON records BEGIN
    UPDATE kind_counts SET n = n - 1 WHERE tenant = old.tenant AND kind = old.kind;
END;
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


# -- indexes the rooms declare ---------------------------------------------------------------

_INDEXES: dict[str, dict[str, str]] = {}
"""kind -> field -> the SQL expression over ``data`` that an index keeps and filters use."""

COLUMNS = {"id": "id", "key": "key", "parent": "parent"}
"""Fields every record has as a column of its own (indexed by the table itself)."""


def json_field(path: str) -> str:
    """``json_extract`` of one top-level member (names with dots are one member) or of a ``$.`` path."""
    if path.startswith("$"):
        return f"json_extract(data, {_literal(path)})"
    return "json_extract(data, " + _literal('$."' + path.replace('"', '""') + '"') + ")"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def index_name(kind: str, field: str) -> str:
    """The index's name carries a digest of its expression, so a changed declaration makes a new index."""
    expr = _INDEXES[kind][field]
    return f"records:{kind}:{field}:{zlib.crc32(expr.encode()):08x}"


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def declare_index(kind: str, fields: Iterable[str] | Mapping[str, str]) -> None:
    """Index these fields of ``kind``: names (top-level members) or ``{name: SQL expression over data}``.

    Each becomes ``CREATE INDEX ... ON records (tenant, <expr>) WHERE kind = '<kind>'``: partial, so
    other kinds' writes never touch it, and ordered by id within one value, so a filtered page in id
    order reads the index and stops at its limit. Declared at import, next to the object's definition;
    a store creates them when it opens and when a kind is first used after that.
    """
    exprs = dict(fields) if isinstance(fields, Mapping) else {name: json_field(name) for name in fields}
    _INDEXES.setdefault(kind, {}).update(exprs)


def declared_indexes(kind: str) -> dict[str, str]:
    return dict(_INDEXES.get(kind, {}))


@dataclass(frozen=True)
class Cond:
    """One filter term of ``Records.select``: ``field op value``.

    ``field`` is ``id``/``key``/``parent``, a declared index name, or any top-level member (a scan).
    ``op`` is one of ``= <> < <= > >=``, ``in`` (value: a sequence), ``like`` (SQLite LIKE, ASCII
    case-insensitive), ``null`` or ``notnull``. Values compare as SQLite does: text with text,
    numbers with numbers, so store values in one type per field.
    """

    field: str
    op: str
    value: Any = None


_OPS = {"=", "<>", "<", "<=", ">", ">="}


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


_encoder = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)
"""Documents as compact UTF-8 JSON: no padding after separators, no \\u escapes."""
_loads = json.loads


def dumps(data: Any) -> str:
    return _encoder.encode(data)


def _fold(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _row_to_record(row: tuple[Any, ...]) -> Record:
    return Record(id=row[0], key=row[1], parent=row[2], data=_loads(row[3]))


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
        # Kind names are SQL literals in listing statements (partial indexes need them): cache more.
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, cached_statements=512)
        # Text filters that ignore case (Acumatica's) index casefold(text): SQLite's lower() folds ASCII only.
        self._conn.create_function("fold", 1, _fold, deterministic=True)
        self._conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA busy_timeout = 5000")
        self._conn.executescript(SCHEMA)
        # Parsed tenants and sessions: every request reads both, and only this class writes them.
        self._tenants: dict[str, Tenant] = {}
        self._sessions: dict[str, tuple[str, str, str, float, dict[str, Any]]] = {}
        self._indexed: dict[str, int] = {}
        for kind in list(_INDEXES):
            self.ensure_indexes(kind)

    def ensure_indexes(self, kind: str) -> None:
        """Create the indexes declared for ``kind`` that this database lacks, and drop ones no longer declared."""
        declared = _INDEXES.get(kind)
        if not declared or self._indexed.get(kind) == len(declared):
            return
        with self._lock:
            wanted = {index_name(kind, name): expr for name, expr in declared.items()}
            present = {r[0] for r in self._conn.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'records' AND name LIKE ?",
                ("records:" + kind.replace("%", "") + ":%",))}
            for name in present - set(wanted):
                self._conn.execute(f"DROP INDEX IF EXISTS {_quoted(name)}")
            for name, expr in wanted.items():
                if name not in present:
                    self._conn.execute(f"CREATE INDEX IF NOT EXISTS {_quoted(name)} ON records (tenant, {expr}) "
                                       f"WHERE kind = {_literal(kind)}")
            self._indexed[kind] = len(declared)

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

    def executemany(self, sql: str, rows: Iterable[tuple[Any, ...]]) -> sqlite3.Cursor:
        with self._lock:
            return self._conn.executemany(sql, rows)

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
        """Slide a session's expiry; a slide of under a second is not written (it would be a write per request)."""
        with self._lock:
            cached = self._sessions.get(token)
            if cached is not None and 0 <= expires_at - cached[3] < 1.0:
                return
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
                    (self.tenant, kind, record_id, key, parent, _encoder.encode(data)),
                )
            except sqlite3.IntegrityError as exc:
                # The unique indexes are the guard; a statement error leaves the transaction usable.
                raise DuplicateKey(kind, key if key is not None else str(record_id)) from exc
        return record_id

    def insert_many(self, kind: str, rows: Iterable[tuple[int, str | None, int | None, dict[str, Any]]]) -> int:
        """Insert ``(id, key, parent, data)`` rows with one prepared statement (seeding); returns how many.

        The kind's own sequence moves past the highest id, so later ``insert`` calls never collide.
        """
        self.store.ensure_indexes(kind)
        encode = _encoder.encode
        tenant = self.tenant
        top = [0]

        def values() -> Iterator[tuple[Any, ...]]:
            for i, k, p, d in rows:
                top[0] = max(top[0], i)
                yield tenant, kind, i, k, p, encode(d)

        with self.store.atomic():
            try:
                cur = self.store.executemany(
                    "INSERT INTO records (tenant, kind, id, key, parent, data) VALUES (?, ?, ?, ?, ?, ?)", values())
            except sqlite3.IntegrityError as exc:
                raise DuplicateKey(kind, "(batch)") from exc
            if top[0]:
                self.store.execute(
                    "INSERT INTO sequences (tenant, name, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (tenant, name) DO UPDATE SET value = max(value, excluded.value)",
                    (tenant, kind, top[0]))
        return cur.rowcount

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
        """Replace a record's document; ``key`` and ``parent`` change only when given. One statement."""
        try:
            cur = self.store.execute(
                "UPDATE records SET data = ?, key = coalesce(?, key), parent = coalesce(?, parent) "
                "WHERE tenant = ? AND kind = ? AND id = ?",
                (_encoder.encode(data), key, parent, self.tenant, kind, id),
            )
        except sqlite3.IntegrityError as exc:
            raise DuplicateKey(kind, str(key)) from exc
        if cur.rowcount == 0:
            raise StoreError(f"{kind} {id} does not exist")

    def delete(self, kind: str, id: int) -> bool:
        cur = self.store.execute(
            "DELETE FROM records WHERE tenant = ? AND kind = ? AND id = ?", (self.tenant, kind, id)
        )
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

    # -- listing: filter, order and page in one statement ---------------------------------

    def indexed(self, kind: str, field: str) -> bool:
        """True when a filter on ``field`` of ``kind`` reads an index rather than scanning the kind."""
        return field in COLUMNS or field in _INDEXES.get(kind, {})

    def _where(self, kind: str, where: Sequence[Cond], raw: tuple[str, Sequence[Any]] | None
               ) -> tuple[str, list[Any]]:
        self.store.ensure_indexes(kind)
        declared = _INDEXES.get(kind, {})
        # The kind is a literal so SQLite can match the partial indexes declared for it.
        sql = [f"tenant = ? AND kind = {_literal(kind)}"]
        params: list[Any] = [self.tenant]
        for cond in where:
            expr = COLUMNS.get(cond.field) or declared.get(cond.field) or json_field(cond.field)
            op = cond.op
            if op in _OPS:
                sql.append(f"{expr} {op} ?")
                params.append(cond.value)
            elif op == "in":
                values = list(cond.value)
                sql.append(f"{expr} IN ({', '.join('?' * len(values))})" if values else "0")
                params.extend(values)
            elif op == "like":
                sql.append(f"{expr} LIKE ? ESCAPE '\\'")
                params.append(cond.value)
            elif op == "null":
                sql.append(f"{expr} IS NULL")
            elif op == "notnull":
                sql.append(f"{expr} IS NOT NULL")
            else:
                raise StoreError(f"unknown filter operator {op!r}")
        if raw is not None:
            sql.append(f"({raw[0]})")
            params.extend(raw[1])
        return " AND ".join(sql), params

    def _source(self, kind: str, where: Sequence[Cond], hint: str | None) -> tuple[str, bool]:
        """``records``, pinned to the declared index of the most selective indexed term, and whether
        that term is a range (its matches come out of the index in value order, not id order).

        Without statistics SQLite prefers walking the primary key in id order over an expression
        index, which for a filter matching almost nothing means reading the whole kind.
        """
        declared = _INDEXES.get(kind, {})
        ranged = False
        if hint is None:
            ranked = sorted((c for c in where if c.field in declared and c.op in ("=", "in", "<", "<=", ">", ">=")),
                            key=lambda c: c.op not in ("=", "in"))
            hint = ranked[0].field if ranked else None
            ranged = bool(ranked) and (ranked[0].op not in ("=", "in") or
                                       (ranked[0].op == "in" and len(ranked[0].value) > 1))
            if ranged and any(c.field == "parent" and c.op == "=" for c in where):
                hint, ranged = None, False
        elif hint.startswith("~"):
            hint, ranged = hint[1:], True
        if hint is None and any(c.field == "parent" and c.op == "=" for c in where) and not ranged:
            return "records INDEXED BY records_by_parent", False
        if hint is None or hint not in declared:
            return "records", False
        return f"records INDEXED BY {_quoted(index_name(kind, hint))}", ranged

    def _run(self, kind: str, sql: str, source: tuple[str, bool], params: Sequence[Any],
             probe: tuple[str, Sequence[Any]] | None = None) -> list[Any]:
        """Run ``sql`` on the chosen source; a range that matches many rows walks the id order instead.

        A page in id order over a range index sorts every match first, so when ``probe`` (the
        statement's condition) finds a thousand matches the primary key, read in order, stops sooner.
        """
        table, ranged = source
        if ranged and probe is not None:
            sample = f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {probe[0]} LIMIT 1000)"
            try:
                if self.store.execute(sample, tuple(probe[1])).fetchone()[0] >= 1000:
                    table = "records"
            except sqlite3.OperationalError:
                table = "records"
        try:
            return self.store.execute(sql.replace("{source}", table, 1), tuple(params)).fetchall()
        except sqlite3.OperationalError as exc:
            if table == "records" or "no query solution" not in str(exc):
                raise
            return self.store.execute(sql.replace("{source}", "records", 1), tuple(params)).fetchall()

    def _order(self, kind: str, order: Sequence[tuple[str, bool]]) -> str:
        declared = _INDEXES.get(kind, {})
        terms = [f"{COLUMNS.get(f) or declared.get(f) or json_field(f)} {'DESC' if d else 'ASC'}" for f, d in order]
        if not any(f == "id" for f, _ in order):
            terms.append("id ASC")
        return ", ".join(terms)

    def select(
        self,
        kind: str,
        where: Sequence[Cond] = (),
        *,
        order: Sequence[tuple[str, bool]] = (),
        offset: int = 0,
        limit: int | None = None,
        raw: tuple[str, Sequence[Any]] | None = None,
        index: str | None = None,
    ) -> list[Record]:
        """One page of records meeting every condition, in ``order`` (``(field, descending)`` pairs, then id).

        ``raw`` adds a room's own SQL condition over ``data`` (bound parameters only): rooms with a
        richer filter language narrow with it and keep their own predicate for the final word;
        ``index`` then names the declared field the condition is selective on (``~field`` for a range).
        """
        clause, params = self._where(kind, where, raw)
        sql, values = self._page("id, key, parent, data", kind, clause, params, order, offset, limit)
        source = self._source(kind, where, index)
        if not where and raw is None and offset and all(f == "id" for f, _ in order):
            source = ("records INDEXED BY records_by_kind", False)
        rows = self._run(kind, sql, source, values, probe=None if limit is None else (clause, params))
        return [_row_to_record(r) for r in rows]

    def _page(self, columns: str, kind: str, clause: str, params: list[Any], order: Sequence[tuple[str, bool]],
              offset: int, limit: int | None) -> tuple[str, list[Any]]:
        """The page's statement. Past an offset the skipped rows are walked in an index (the declared one,
        or the narrow id index), and only the page's own documents are read."""
        ordering = self._order(kind, order)
        if not offset:
            return (f"SELECT {columns} FROM {{source}} WHERE {clause} ORDER BY {ordering} LIMIT ?",
                    [*params, -1 if limit is None else limit])
        sql = (f"SELECT {columns} FROM records WHERE tenant = ? AND kind = ? AND id IN (SELECT id FROM {{source}} "
               f"WHERE {clause} ORDER BY {ordering} LIMIT ? OFFSET ?) ORDER BY {ordering}")
        return sql, [self.tenant, kind, *params, -1 if limit is None else limit, offset]

    def select_ids(
        self,
        kind: str,
        where: Sequence[Cond] = (),
        *,
        order: Sequence[tuple[str, bool]] = (),
        raw: tuple[str, Sequence[Any]] | None = None,
        index: str | None = None,
    ) -> list[int]:
        """The ids of every record meeting the conditions, in order, without reading documents for indexed filters."""
        clause, params = self._where(kind, where, raw)
        sql = f"SELECT id FROM {{source}} WHERE {clause} ORDER BY {self._order(kind, order)}"
        return [r[0] for r in self._run(kind, sql, self._source(kind, where, index), params)]

    def select_fields(
        self,
        kind: str,
        fields: Sequence[str],
        where: Sequence[Cond] = (),
        *,
        order: Sequence[tuple[str, bool]] = (),
        offset: int = 0,
        limit: int | None = None,
    ) -> list[tuple[Any, ...]]:
        """Only the named top-level members of a page, extracted by SQLite (no document decoded in Python)."""
        clause, params = self._where(kind, where, None)
        columns = ", ".join(json_field(f) for f in fields) or "id"
        sql, values = self._page(columns, kind, clause, params, order, offset, limit)
        source = self._source(kind, where, None)
        if not where and offset and all(f == "id" for f, _ in order):
            source = ("records INDEXED BY records_by_kind", False)
        rows = self._run(kind, sql, source, values, probe=None if limit is None else (clause, params))
        return [tuple(r) for r in rows]

    def count_where(self, kind: str, where: Sequence[Cond] = (), *,
                    raw: tuple[str, Sequence[Any]] | None = None, index: str | None = None) -> int:
        if not where and raw is None:
            return self.count(kind)
        clause, params = self._where(kind, where, raw)
        sql = f"SELECT COUNT(*) FROM {{source}} WHERE {clause}"
        return int(self._run(kind, sql, self._source(kind, where, index), params)[0][0])

    def iter_select(self, kind: str, where: Sequence[Cond] = (), batch: int = 1000) -> Iterator[Record]:
        """Every record meeting the conditions, in id order, read in keyset batches so memory stays flat."""
        last = 0
        while True:
            page = self.select(kind, [*where, Cond("id", ">", last)], limit=batch)
            yield from page
            if len(page) < batch:
                return
            last = page[-1].id

    def get_many(self, kind: str, ids: Sequence[int]) -> list[Record]:
        """Records by id in one statement, in the order asked (missing ones left out)."""
        if not ids:
            return []
        found: dict[int, Record] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            rows = self.store.execute(
                f"SELECT id, key, parent, data FROM records WHERE tenant = ? AND kind = ? "
                f"AND id IN ({', '.join('?' * len(chunk))})", (self.tenant, kind, *chunk)).fetchall()
            for r in rows:
                found[r[0]] = _row_to_record(r)
        return [found[i] for i in ids if i in found]

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
