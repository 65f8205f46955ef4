"""What every entity's rules share: the save pipeline, problems, references, numbering.

``save`` is the PUT: find or start a node, merge the request into it, let the
entity's rules default, derive and validate, then write it. Any problem raises
``Rejected`` before anything is written; the route renders it as a 422 echo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import Entity, schema
from simulator.acumatica.models import Book, Stored, copy, new_id
from simulator.acumatica.wire import Patch, store_datetime
from simulator.store import DuplicateKey

NEW = "<NEW>"
CENT = Decimal("0.01")


def money(value: Any) -> float:
    return float(Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP))


def dec(value: Any) -> Decimal:
    return Decimal(str(value or 0))


@dataclass
class Ctx:
    """One request's view of the tenant."""

    book: Book
    config: dict[str, Any]
    now: datetime
    today: date
    version: str
    branch: str = ""
    user: str = ""
    cache: dict[Any, Any] = field(default_factory=dict)
    """Per-request memo (project rows, roll-ups); cleared when a ledger changes."""

    def stamp(self) -> str:
        return store_datetime(self.now)

    def today_stored(self) -> str:
        return store_datetime(self.today)

    def setting(self, *path: str, default: Any = None) -> Any:
        node: Any = self.config
        for part in path:
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node


class Problems:
    """Field-level errors of one entity level, shaped like the node they describe."""

    def __init__(self, ent: Entity, inserting: bool = False) -> None:
        self.ent = ent
        self.inserting = inserting
        self.entity_error: str | None = None
        self.fields: dict[str, str] = {}
        self.rows: dict[str, dict[str, Problems]] = {}
        self.linked: dict[str, Problems] = {}

    def field(self, name: str, message: str) -> None:
        self.fields.setdefault(name, message)

    def entity(self, message: str) -> None:
        if self.entity_error is None:
            self.entity_error = message

    def row(self, detail: str, row: dict[str, Any], inserting: bool = False) -> Problems:
        det = self.ent.detail(detail)
        assert det is not None
        rows = self.rows.setdefault(detail, {})
        if row["id"] not in rows:
            rows[row["id"]] = Problems(schema(det.entity), inserting or row.get("sys", {}).get("new", False))
        return rows[row["id"]]

    def link(self, name: str) -> Problems:
        lnk = self.ent.link(name)
        assert lnk is not None
        if name not in self.linked:
            self.linked[name] = Problems(schema(lnk.entity), self.inserting)
        return self.linked[name]

    def any(self) -> bool:
        return bool(self.entity_error or self.fields
                    or any(p.any() for rows in self.rows.values() for p in rows.values())
                    or any(p.any() for p in self.linked.values()))

    def first_table(self) -> tuple[str, bool]:
        """The record whose errors the summary names, and whether it was being inserted."""
        if self.fields or self.entity_error:
            return self.ent.table, self.inserting
        for rows in self.rows.values():
            for p in rows.values():
                if p.any():
                    return p.first_table()
        for p in self.linked.values():
            if p.any():
                return self.ent.table, self.inserting
        return self.ent.table, self.inserting

    def echo(self, top: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"fields": dict(self.fields)}
        if top:
            table, inserting = self.first_table()
            verb = "Inserting" if inserting else "Updating"
            # Two spaces after the verb, as the real message has.
            out["error"] = self.entity_error or \
                f"{verb}  '{table}' record raised at least one error. Please review the errors."
        elif self.entity_error:
            out["error"] = self.entity_error
        out["details"] = {name: {rid: p.echo(top=False) for rid, p in rows.items() if p.any()}
                          for name, rows in self.rows.items()}
        out["links"] = {name: p.echo(top=False) for name, p in self.linked.items() if p.any()}
        return out


class Rejected(Exception):
    """A record failed validation; nothing was written."""

    def __init__(self, ent: Entity, node: dict[str, Any], problems: Problems, sent: set[str]) -> None:
        super().__init__(problems.entity_error or "validation failed")
        self.ent = ent
        self.node = node
        self.problems = problems
        self.sent = sent


class Rules:
    """Default behaviour of an entity; subclasses add defaults, derivations and checks."""

    entity: Entity

    @staticmethod
    def move_status(node: dict[str, Any], required: str, new: str, action: str) -> None:
        """A status-flow action: only from ``required``, otherwise Acumatica disables the action."""
        if node["fields"].get("Status") != required:
            raise errors.action_disabled(action)
        node["fields"]["Status"] = new
    number_field: str | None = None
    """The key field the server numbers (``ReferenceNbr``), if any."""
    sequence: str = ""
    derived_on_read = False
    """True when some fields are computed at read time (``view`` does work)."""
    derived_fields: frozenset[str] = frozenset()
    """Header fields only ``view`` fills in: a filter on them cannot be narrowed in the database."""
    locked_message = "The document is released and cannot be edited."
    from_settings = False
    """True for setup records the tenant's settings hold (companies, branches): read-only through the API."""

    def records(self, ctx: Ctx) -> list[Stored]:
        """The records of a ``from_settings`` entity."""
        return []

    # -- hooks -------------------------------------------------------------------

    def key_defaults(self, ctx: Ctx, patch: Patch) -> None:
        """Fill key fields a request may leave out (``Type`` of a bill) before the record is looked up."""

    def defaults(self, ctx: Ctx, node: dict[str, Any]) -> None:
        """Values a new record starts with."""

    def row_defaults(self, ctx: Ctx, detail: str, row: dict[str, Any], node: dict[str, Any]) -> None:
        """Values a new detail row starts with."""

    def validate(self, ctx: Ctx, node: dict[str, Any], old: dict[str, Any] | None, problems: Problems) -> None:
        """Derive totals and statuses, check references; report through ``problems``."""

    def locked(self, old: dict[str, Any]) -> bool:
        """True when the stored record can no longer be edited."""
        return False

    always_editable: frozenset[str] = frozenset()
    """Fields a locked record still takes (``Hold`` to put it back on hold)."""

    def lock_message(self, old: dict[str, Any], changes: list[str]) -> str | None:
        if not self.locked(old) or all(c in self.always_editable for c in changes):
            return None
        return self.locked_message

    def parent_of(self, ctx: Ctx, node: dict[str, Any]) -> int | None:
        """The row a new record hangs under (its project), for indexed reads."""
        return None

    aliases: dict[str, str] = {}
    """Workflow action names that reach the same handler (``RemoveHold`` -> ``ReleaseFromHold``)."""

    def action_name(self, name: str) -> str | None:
        """The handler an action name reaches: endpoint actions by exact name, graph (workflow) actions by
        name in any case, through the endpoint action mapped to them or on their own."""
        ent = self.entity
        if ent.action(name) is not None:
            return name
        for action in ent.actions:
            if action.graph and action.graph.casefold() == name.casefold():
                return action.name
        for graph_action in ent.graph_actions:
            if graph_action.casefold() == name.casefold():
                return self.aliases.get(graph_action, graph_action)
        return None

    def action_handler(self, name: str) -> Callable[[Ctx, dict[str, Any], dict[str, Any], Problems], None] | None:
        target = self.action_name(name)
        return None if target is None else getattr(self, f"act_{target}", None)

    def numbered(self, ctx: Ctx, node: dict[str, Any]) -> None:
        """The record got its number: copy it where lines repeat it."""

    def after_save(self, ctx: Ctx, rid: int, node: dict[str, Any], old: dict[str, Any] | None) -> None:
        """Keep ledgers in step with a saved record."""

    def view(self, ctx: Ctx, stored: Stored) -> dict[str, Any]:
        """The node as read: stored values plus anything computed at read time."""
        return stored.node

    def before_delete(self, ctx: Ctx, stored: Stored) -> None:
        """Refuse a delete by raising an AcumaticaError."""

    def after_delete(self, ctx: Ctx, stored: Stored) -> None:
        """Clean up after a delete."""

    # -- numbering ---------------------------------------------------------------

    def number(self, ctx: Ctx, node: dict[str, Any]) -> str:
        setting = ctx.setting("numbering", self.entity.name, default={}) or {}
        prefix = str(setting.get("prefix", ""))
        width = int(setting.get("width", 6))
        sequence = self.sequence or self.entity.name
        value = ctx.book.next_number(sequence)
        return f"{prefix}{value:0{width}d}"

    def manual_numbering(self, ctx: Ctx) -> bool:
        return bool(ctx.setting("numbering", self.entity.name, "manual", default=False))


def empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def new_node(record_id: str | None = None) -> dict[str, Any]:
    return {"id": record_id or new_id(), "fields": {}, "details": {}, "links": {}, "custom": {}, "note": "",
            "files": [], "sys": {}}


# -- merging a request into a node --------------------------------------------------------


def _choice(fld_choices: tuple[str, ...], value: str) -> str | None:
    for option in fld_choices:
        if option.casefold() == value.strip().casefold():
            return option
    return None


def merge(ctx: Ctx, rules_for: Callable[[str], Rules | None], ent: Entity, node: dict[str, Any], patch: Patch,
          problems: Problems, changes: list[str], top_node: dict[str, Any], path: str = "") -> None:
    """Apply a request's values to a node, field by field (read-only values are dropped)."""
    fields = node.setdefault("fields", {})
    for name, value in patch.fields.items():
        fld = ent.field(name)
        if fld is None or fld.readonly:
            continue
        if isinstance(value, str):
            value = value.strip() if fld.upper else value
            if fld.upper:
                value = value.upper()
            if fld.choices and value != "":
                canonical = _choice(fld.choices, value)
                if canonical is None:
                    problems.field(name, f"'{value}' is not a valid value for the '{fld.display}' field.")
                    continue
                value = canonical
            if value == "":
                value = None
        if fields.get(name) != value:
            changes.append(path + name)
        if value is None:
            fields.pop(name, None)
        else:
            fields[name] = value
    if patch.note is not None and patch.note != node.get("note", ""):
        node["note"] = patch.note
    for view, values in patch.custom.items():
        block = node.setdefault("custom", {}).setdefault(view, {})
        for name, value in values.items():
            if block.get(name) != value:
                changes.append(f"{path}custom.{view}.{name}")
            block[name] = value
    for name, sub in patch.links.items():
        lnk = ent.link(name)
        if lnk is None:
            continue
        links = node.setdefault("links", {})
        linked = links.get(name)
        if linked is None:
            linked = new_node(sub.id)
            links[name] = linked
        merge(ctx, rules_for, schema(lnk.entity), linked, sub, problems.link(name), changes, top_node,
              f"{path}{name}/")
    owner = rules_for(ent.name)
    for name, rows in patch.details.items():
        det = ent.detail(name)
        if det is None or det.readonly:
            continue
        row_ent = schema(det.entity)
        current: list[dict[str, Any]] = node.setdefault("details", {}).setdefault(name, [])
        for row_patch in rows:
            found = _find_row(row_ent, current, row_patch)
            if row_patch.delete:
                if found is not None:
                    current.remove(found)
                    changes.append(f"{path}{name}[-]")
                continue
            if found is None:
                found = new_node()
                found.pop("files")
                found["sys"]["new"] = True
                current.append(found)
                changes.append(f"{path}{name}[+]")
                if owner is not None:
                    owner.row_defaults(ctx, name, found, top_node)
            merge(ctx, rules_for, row_ent, found, row_patch, problems.row(name, found), changes, top_node,
                  f"{path}{name}/")


def _find_row(row_ent: Entity, rows: list[dict[str, Any]], patch: Patch) -> dict[str, Any] | None:
    if patch.id is not None:
        for row in rows:
            if row["id"] == patch.id:
                return row
    if row_ent.row_key and patch.fields.get(row_ent.row_key) is not None:
        wanted = patch.fields[row_ent.row_key]
        for row in rows:
            if row.get("fields", {}).get(row_ent.row_key) == wanted:
                return row
    return None


def clean_rows(node: dict[str, Any]) -> None:
    """Drop the in-flight markers merge leaves on new rows."""
    for rows in node.get("details", {}).values():
        for row in rows:
            row.get("sys", {}).pop("new", None)
            if not row.get("sys"):
                row.pop("sys", None)


# -- messages shared across entities --------------------------------------------------------


def cannot_be_empty(label: str) -> str:
    return f"'{label}' cannot be empty."


def not_found_in_system(label: str) -> str:
    return f"'{label}' cannot be found in the system."


def find(ctx: Ctx, entity_name: str, *keys: Any) -> Stored | None:
    if any(empty(k) for k in keys):
        return None
    from simulator.acumatica.entities import ENTITIES

    return ctx.book.by_keys(ENTITIES[entity_name], list(keys))


def to_date(stored: str | None) -> date | None:
    if not stored:
        return None
    return datetime.fromisoformat(stored).date()


def require_status(stored: Stored, allowed: tuple[str, ...], action: str) -> None:
    status = stored.node.get("fields", {}).get("Status")
    if status not in allowed:
        raise errors.action_disabled(action)


def copy_node(node: dict[str, Any]) -> dict[str, Any]:
    return copy(node)


@dataclass
class Outcome:
    """What a save produced."""

    rid: int
    node: dict[str, Any]
    inserted: bool
    extra: dict[str, Any] = field(default_factory=dict)


# -- the pipeline ------------------------------------------------------------------------

REGISTRY: dict[str, Rules] = {}


def register(rules: Rules) -> Rules:
    REGISTRY[rules.entity.name] = rules
    return rules


def rules_for(name: str) -> Rules | None:
    return REGISTRY.get(name)


def save(ctx: Ctx, ent: Entity, patch: Patch, existing: Stored | None) -> Outcome:
    """Upsert one record from a request (the PUT)."""
    rules = REGISTRY[ent.name]
    inserting = existing is None
    old = existing.node if existing is not None else None
    node = copy(existing.node) if existing is not None else new_node(patch.id)
    problems = Problems(ent, inserting)
    changes: list[str] = []
    if inserting:
        if rules.number_field:
            node["fields"][rules.number_field] = NEW
        rules.defaults(ctx, node)
    else:
        for key in ent.keys:
            sent = patch.fields.get(key)
            have = node["fields"].get(key)
            if sent is not None and str(sent).strip().casefold() != str(have or "").strip().casefold():
                label = ent.field(key).display  # type: ignore[union-attr]
                problems.field(key, f"The value of the key field '{label}' cannot be changed.")
    merge(ctx, rules_for, ent, node, patch, problems, changes, node)
    if inserting:
        for key in ent.keys:
            if key == rules.number_field:
                continue
            if empty(node["fields"].get(key)):
                problems.field(key, cannot_be_empty(ent.field(key).display))  # type: ignore[union-attr]
    elif changes:
        message = rules.lock_message(old, changes)  # type: ignore[arg-type]
        if message:
            problems.entity(message)
    rules.validate(ctx, node, old, problems)
    if problems.any():
        raise Rejected(ent, node, problems, set(patch.details) | set(patch.links))
    return write(ctx, ent, node, existing, changed=inserting or bool(changes))


def write(ctx: Ctx, ent: Entity, node: dict[str, Any], existing: Stored | None, *, changed: bool = True) -> Outcome:
    """Number, stamp and store a validated node, then let its rules update the ledgers."""
    rules = REGISTRY[ent.name]
    inserting = existing is None
    if inserting and rules.number_field:
        current = node["fields"].get(rules.number_field)
        keep = node.get("sys", {}).pop("keep_number", False)
        if empty(current) or current == NEW:
            node["fields"][rules.number_field] = rules.number(ctx, node)
        elif not keep and not rules.manual_numbering(ctx) and \
                ctx.setting("unknown_document_number", default="assign") == "assign":
            # An unknown number on an auto-numbered document is replaced, not kept.
            node["fields"][rules.number_field] = rules.number(ctx, node)
        rules.numbered(ctx, node)
    clean_rows(node)
    if changed:
        if ent.field("LastModifiedDateTime") is not None:
            node["fields"]["LastModifiedDateTime"] = ctx.stamp()
        if inserting and ent.field("CreatedDateTime") is not None:
            node["fields"]["CreatedDateTime"] = ctx.stamp()
    if inserting:
        try:
            rid = ctx.book.insert(ent, node, parent=rules.parent_of(ctx, node))
        except DuplicateKey as exc:
            raise errors.server_error(f"Another {ent.table} with the same key already exists.") from exc
    else:
        assert existing is not None
        rid = existing.rid
        if changed:
            ctx.book.update(ent, rid, node)
    rules.after_save(ctx, rid, node, existing.node if existing is not None else None)
    return Outcome(rid, node, inserting)


def delete(ctx: Ctx, ent: Entity, stored: Stored) -> None:
    rules = REGISTRY[ent.name]
    rules.before_delete(ctx, stored)
    ctx.book.delete(ent, stored)
    rules.after_delete(ctx, stored)


def invoke(ctx: Ctx, ent: Entity, action: str, stored: Stored, params: dict[str, Any]) -> Outcome:
    """Run an endpoint or workflow action on a stored record."""
    rules = REGISTRY[ent.name]
    handler = rules.action_handler(action)
    if handler is None:
        raise errors.not_found(f"Action {action} not found for entity {ent.name}.")
    node = copy(stored.node)
    problems = Problems(ent, False)
    handler(ctx, node, params, problems)
    if problems.any():
        raise Rejected(ent, node, problems, set())
    return write(ctx, ent, node, stored)
