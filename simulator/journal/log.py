"""The journal's rows in the store: a ring of exchanges per tenant, and each tenant's journal settings.

The tables live beside the store's own and are created on first use, so the
journal needs nothing from the store but its connection. Rows cascade away
with their tenant and survive a tenant reset: a reset restores the books, not
the record of who called.
"""

from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from simulator.store import Store

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS journal (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        tenant TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        at REAL NOT NULL,
        erp TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        operation TEXT NOT NULL,
        object TEXT NOT NULL,
        status INTEGER NOT NULL,
        duration_ms REAL NOT NULL,
        fault TEXT,
        data TEXT NOT NULL
    )""",
    # Every read is one tenant's newest-first page, and the ring trims one tenant's oldest rows.
    "CREATE INDEX IF NOT EXISTS journal_by_tenant ON journal (tenant, id)",
    # The ring's length per tenant, kept with the rows so trimming never counts them; and the settings.
    """CREATE TABLE IF NOT EXISTS journal_tenants (
        tenant TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
        n INTEGER NOT NULL DEFAULT 0,
        settings TEXT NOT NULL DEFAULT '{}'
    ) WITHOUT ROWID""",
)

DEFAULT_LIMIT = 10_000
DEFAULT_BODY_LIMIT = 16 * 1024
MAX_LIMIT = 1_000_000


class JournalError(Exception):
    """A refusal the admin API answers with 400 and this message."""


@dataclass(frozen=True)
class Settings:
    enabled: bool = True
    limit: int = DEFAULT_LIMIT
    """Entries kept per tenant; the oldest go first."""
    body_limit: int = DEFAULT_BODY_LIMIT
    """Characters kept of each request and response body (0 keeps them whole)."""

    def to_json(self) -> dict[str, Any]:
        return {"enabled": self.enabled, "limit": self.limit, "body_limit": self.body_limit}

    @classmethod
    def parse(cls, raw: Any, base: Settings | None = None) -> Settings:
        base = base or cls()
        if not isinstance(raw, dict):
            raise JournalError("journal settings must be a JSON object")
        unknown = set(raw) - {"enabled", "limit", "body_limit"}
        if unknown:
            raise JournalError(f"unknown journal settings: {', '.join(sorted(unknown))}; "
                               "known: enabled, limit, body_limit")
        enabled = raw.get("enabled", base.enabled)
        if not isinstance(enabled, bool):
            raise JournalError("'enabled' must be true or false")
        values = {}
        for name, low, high in (("limit", 1, MAX_LIMIT), ("body_limit", 0, 64 * 1024 * 1024)):
            value = raw.get(name, getattr(base, name))
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                raise JournalError(f"'{name}' must be a whole number from {low} to {high}")
            values[name] = value
        return cls(enabled, values["limit"], values["body_limit"])


@dataclass(frozen=True)
class Entry:
    """One exchange as recorded."""

    tenant: str
    at: float
    erp: str
    method: str
    path: str
    operations: list[dict[str, str]]
    status: int
    duration_ms: float
    fault: dict[str, Any] | None
    request: dict[str, Any]
    response: dict[str, Any]
    notes: dict[str, Any]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(raw: str) -> float:
    """An ISO 8601 instant (``Z`` or an offset; naive means UTC) or epoch seconds."""
    text = raw.strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError as exc:
        raise JournalError(f"'{raw}' is not an ISO 8601 time (2026-12-04T18:00:00Z) or epoch seconds") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def _joined(values: list[str]) -> str:
    # Wrapped in commas so a filter matches a whole name: ",create,read," holds ",read,".
    kept = [v for v in dict.fromkeys(values) if v]
    return "," + ",".join(kept) + "," if kept else ""


@dataclass(frozen=True)
class Matcher:
    """What a journal query or count selects; every given field must hold."""

    erp: str | None = None
    operation: str | None = None
    object: str | None = None
    method: str | None = None
    path: str | None = None
    status: str | None = None
    fault: str | None = None
    since: float | None = None
    until: float | None = None
    controlid: str | None = None
    body: str | None = None
    """A substring of the (masked) request body."""

    FIELDS = ("erp", "operation", "object", "method", "path", "status", "fault", "since", "until", "controlid",
              "body")

    @classmethod
    def parse(cls, raw: Any) -> Matcher:
        if not isinstance(raw, dict):
            raise JournalError("a matcher must be a JSON object")
        unknown = set(raw) - set(cls.FIELDS)
        if unknown:
            raise JournalError(f"unknown matcher fields: {', '.join(sorted(unknown))}; known: {', '.join(cls.FIELDS)}")
        values: dict[str, Any] = {}
        for name in cls.FIELDS:
            value = raw.get(name)
            if value is None:
                continue
            if name == "status" and isinstance(value, int) and not isinstance(value, bool):
                value = str(value)
            if name == "fault" and (isinstance(value, bool) or value in ("true", "false")):
                value = "*" if value in (True, "true") else "none"
            if not isinstance(value, str):
                raise JournalError(f"matcher field '{name}' must be a string")
            values[name] = parse_time(value) if name in ("since", "until") else value
        status = values.get("status")
        if status is not None and not _status_pattern(status):
            raise JournalError(f"'status' must be a code (404), a class (4xx) or 'error'; not {status!r}")
        return cls(**values)

    def sql(self) -> tuple[str, list[Any]]:
        """The part SQL can check cheaply; ``matches`` checks the rest."""
        where, params = [], []
        if self.erp:
            where.append("erp = ?")
            params.append(self.erp)
        if self.method:
            where.append("method = ?")
            params.append(self.method.upper())
        for column in ("operation", "object"):
            value = getattr(self, column)
            if value and not any(c in value for c in "*?["):
                where.append(f"instr(lower({column}), ?) > 0")
                params.append("," + value.lower() + ",")
        if self.since is not None:
            where.append("at >= ?")
            params.append(self.since)
        if self.until is not None:
            where.append("at <= ?")
            params.append(self.until)
        if self.status:
            pattern = _status_pattern(self.status)
            assert pattern is not None
            where.append("status BETWEEN ? AND ?")
            params.extend(pattern)
        if self.fault == "none":
            where.append("fault IS NULL")
        elif self.fault == "*":
            where.append("fault IS NOT NULL")
        elif self.fault:
            where.append("fault = ?")
            params.append(self.fault)
        return " AND ".join(where), params

    def matches(self, row: dict[str, Any]) -> bool:
        """The glob and body checks on a row already selected by ``sql``."""
        for column in ("operation", "object"):
            value = getattr(self, column)
            if value and any(c in value for c in "*?["):
                names = [n for n in row[column].split(",") if n]
                if not any(fnmatch.fnmatchcase(n.lower(), value.lower()) for n in names):
                    return False
        if self.path and not fnmatch.fnmatchcase(row["path"].split("?")[0], self.path):
            return False
        if self.controlid and not any(op.get("controlid") == self.controlid for op in row["data"]["operations"]):
            return False
        if self.body and self.body not in (row["data"]["request"].get("body") or ""):
            return False
        return True


def _status_pattern(raw: str) -> tuple[int, int] | None:
    text = raw.strip().lower()
    if text == "error":
        return 400, 599
    if len(text) == 3 and text[0] in "12345" and text[1:] == "xx":
        return int(text[0]) * 100, int(text[0]) * 100 + 99
    if text.isdigit() and 100 <= int(text) <= 599:
        return int(text), int(text)
    return None


def ensure_tables(store: Store, statements: tuple[str, ...]) -> None:
    """Create tables beside the store's own, once per store object (every request asks)."""
    made: set[int] | None = getattr(store, "_extra_schemas", None)
    if made is None:
        made = set()
        store._extra_schemas = made  # type: ignore[attr-defined]
    if id(statements) not in made:
        with store.transaction():
            for statement in statements:
                store.execute(statement)
        made.add(id(statements))


class Journal:
    """One store's journal. Cheap to build; the tables are made once per store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        ensure_tables(store, SCHEMA)

    # -- settings --------------------------------------------------------------------

    def settings(self, tenant: str) -> Settings:
        row = self.store.execute("SELECT settings FROM journal_tenants WHERE tenant = ?", (tenant,)).fetchone()
        if row is None:
            return Settings()
        raw = json.loads(row[0])
        return Settings(raw.get("enabled", True), raw.get("limit", DEFAULT_LIMIT),
                        raw.get("body_limit", DEFAULT_BODY_LIMIT))

    def configure(self, tenant: str, settings: Settings) -> None:
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO journal_tenants (tenant, settings) VALUES (?, ?) "
                "ON CONFLICT (tenant) DO UPDATE SET settings = excluded.settings",
                (tenant, json.dumps(settings.to_json())))
            self._trim(tenant, settings.limit)

    # -- writing ---------------------------------------------------------------------

    def record(self, entry: Entry, limit: int) -> int:
        """Add an exchange and drop the tenant's oldest past ``limit``; returns the entry's id."""
        ops = entry.operations
        data = {"operations": ops, "request": entry.request, "response": entry.response, "fault": entry.fault,
                "notes": entry.notes}
        with self.store.transaction():
            row = self.store.execute(
                "INSERT INTO journal (tenant, at, erp, method, path, operation, object, status, duration_ms, fault, "
                "data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (entry.tenant, entry.at, entry.erp, entry.method, entry.path,
                 _joined([op["name"] for op in ops]), _joined([op["object"] for op in ops]), entry.status,
                 round(entry.duration_ms, 3), entry.fault["kind"] if entry.fault else None,
                 json.dumps(data, ensure_ascii=False))).fetchone()
            count = self.store.execute(
                "INSERT INTO journal_tenants (tenant, n) VALUES (?, 1) "
                "ON CONFLICT (tenant) DO UPDATE SET n = n + 1 RETURNING n", (entry.tenant,)).fetchone()[0]
            if count > limit:
                self._drop_oldest(entry.tenant, count - limit)
        return int(row[0])

    def _trim(self, tenant: str, limit: int) -> None:
        row = self.store.execute("SELECT n FROM journal_tenants WHERE tenant = ?", (tenant,)).fetchone()
        if row is not None and row[0] > limit:
            self._drop_oldest(tenant, row[0] - limit)

    def _drop_oldest(self, tenant: str, excess: int) -> None:
        self.store.execute(
            "DELETE FROM journal WHERE id IN (SELECT id FROM journal WHERE tenant = ? ORDER BY id LIMIT ?)",
            (tenant, excess))
        self.store.execute("UPDATE journal_tenants SET n = n - ? WHERE tenant = ?", (excess, tenant))

    def clear(self, tenant: str) -> int:
        with self.store.transaction():
            dropped = self.store.execute("DELETE FROM journal WHERE tenant = ?", (tenant,)).rowcount
            self.store.execute("UPDATE journal_tenants SET n = 0 WHERE tenant = ?", (tenant,))
        return int(dropped)

    # -- reading ---------------------------------------------------------------------

    _COLUMNS = "id, at, erp, method, path, operation, object, status, duration_ms, fault, data"

    def _rows(self, tenant: str, matcher: Matcher, *, before: int | None = None):  # type: ignore[no-untyped-def]
        where, params = matcher.sql()
        sql = f"SELECT {self._COLUMNS} FROM journal WHERE tenant = ?"
        args: list[Any] = [tenant]
        if where:
            sql += " AND " + where
            args.extend(params)
        if before is not None:
            sql += " AND id < ?"
            args.append(before)
        sql += " ORDER BY id DESC"
        for r in self.store.execute(sql, tuple(args)).fetchall():
            row = _row(r)
            if matcher.matches(row):
                yield row

    def find(self, tenant: str, matcher: Matcher, limit: int = 100, before: int | None = None) -> list[dict[str, Any]]:
        """Newest first, each as a summary (no bodies)."""
        out = []
        for row in self._rows(tenant, matcher, before=before):
            out.append(summary(row))
            if len(out) >= limit:
                break
        return out

    def count(self, tenant: str, matcher: Matcher) -> int:
        return sum(1 for _ in self._rows(tenant, matcher))

    def get(self, tenant: str, entry_id: int) -> dict[str, Any] | None:
        r = self.store.execute(f"SELECT {self._COLUMNS} FROM journal WHERE tenant = ? AND id = ?",
                               (tenant, entry_id)).fetchone()
        if r is None:
            return None
        row = _row(r)
        whole = summary(row)
        whole["request"] = row["data"]["request"]
        whole["response"] = row["data"]["response"]
        return whole

    def size(self, tenant: str) -> int:
        row = self.store.execute("SELECT n FROM journal_tenants WHERE tenant = ?", (tenant,)).fetchone()
        return 0 if row is None else int(row[0])


def _row(r: tuple[Any, ...]) -> dict[str, Any]:
    return {"id": r[0], "at": r[1], "erp": r[2], "method": r[3], "path": r[4], "operation": r[5], "object": r[6],
            "status": r[7], "duration_ms": r[8], "fault": r[9], "data": json.loads(r[10])}


def summary(row: dict[str, Any]) -> dict[str, Any]:
    data = row["data"]
    out = {"id": row["id"], "at": iso(row["at"]), "erp": row["erp"], "method": row["method"], "path": row["path"],
           "operations": data["operations"], "status": row["status"], "duration_ms": row["duration_ms"],
           "fault": data.get("fault")}
    if data.get("notes"):
        out.update(data["notes"])
    return out
