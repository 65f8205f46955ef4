"""Intacct's domain: records of each object and the generic create/update/delete engine.

Values are kept in their wire form (``mm/dd/yyyy``, ``100.00``, ``true``) so a
read returns exactly what was stored. Object-specific rules live in
``rules.py``; this module checks what every object shares: field types,
required fields, references, unique IDs, line collections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from simulator.clock import Clock
from simulator.intacct import errors
from simulator.intacct.schema import OBJECTS, PARENT_FIELD, Field, ObjectDef
from simulator.intacct.values import ValueProblem, coerce, fmt_timestamp
from simulator.store import Records
from simulator.journal.hook import did_you_mean, near_miss

Row = dict[str, str]
PREFIX = "intacct."


def kind(obj: str) -> str:
    return PREFIX + obj


@dataclass
class Ctx:
    """What a function needs to touch one company's books."""

    records: Records
    config: dict[str, Any]
    clock: Clock
    user: str = "admin"
    notes: dict[str, Any] = field(default_factory=dict)

    def now_stamp(self) -> str:
        return fmt_timestamp(self.clock.now())


@dataclass
class Draft:
    """A record on its way in: header values plus its lines, if it owns any."""

    obj: ObjectDef
    data: Row
    lines: list[Row] | None = None
    existing: Row | None = None
    existing_lines: list[Row] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.data.get(name, "")


# -- keys -------------------------------------------------------------------------


def record_key(obj: ObjectDef, data: Row) -> str | None:
    """The business key that must be unique for this object, if it has one."""
    if obj.name == "TASK":
        return f"{data.get('PROJECTID', '')}|{data.get('TASKID', '')}"
    if obj.name == "COSTTYPE":
        return f"{data.get('PROJECTID', '')}|{data.get('TASKID', '')}|{data.get('COSTTYPEID', '')}"
    if obj.name == "PROJECTCONTRACTLINE":
        return f"{data.get('PROJECTCONTRACTID', '')}|{data.get('PROJECTCONTRACTLINEID', '')}"
    if obj.id_field and data.get(obj.id_field):
        return data[obj.id_field]
    return None


def find(ctx: Ctx, obj: str, id_value: str) -> Row | None:
    rec = ctx.records.get_by_key(kind(obj), id_value)
    return None if rec is None else rec.data


def get(ctx: Ctx, obj: str, recordno: int | str) -> Row | None:
    try:
        number = int(recordno)
    except (TypeError, ValueError):
        return None
    rec = ctx.records.get(kind(obj), number)
    return None if rec is None else rec.data


def lines_of(ctx: Ctx, obj: ObjectDef, recordno: int | str) -> list[Row]:
    if obj.lines is None:
        return []
    return [r.data for r in ctx.records.children(kind(obj.lines.object), int(recordno))]


def find_task(ctx: Ctx, project_id: str, task_id: str) -> Row | None:
    return find(ctx, "TASK", f"{project_id}|{task_id}")


def find_cost_type(ctx: Ctx, project_id: str, task_id: str, cost_type_id: str) -> Row | None:
    return find(ctx, "COSTTYPE", f"{project_id}|{task_id}|{cost_type_id}")


# -- validation -------------------------------------------------------------------


def invalid_reference(ctx: Ctx, obj: ObjectDef, label: str, value: str, action: str = "create") -> errors.FunctionFailure:
    template = ctx.config.get("invalid_reference_message") or "Invalid {label} '{value}' specified."
    return errors.invalid(obj.name, template.format(label=label, value=value), action)


def coerce_fields(ctx: Ctx, obj: ObjectDef, raw: Row, action: str) -> Row:
    out: Row = {}
    for name, value in raw.items():
        fdef = obj.field(name)
        if fdef is None:
            hint = did_you_mean(near_miss("field", name, obj.fields))
            raise errors.invalid(
                obj.name, f"{name} is not a valid field of {obj.name}.", action,
                correction=(hint + " " if hint else "") + f"Use lookup on {obj.name} to see its fields.",
            )
        if fdef.readonly:
            continue  # clients echo system fields back; Intacct ignores them on write
        try:
            out[name] = coerce(fdef, value, iso_dates=(obj.name, name) == ("PROJECTCONTRACT", "CONTRACTDATE"))
        except ValueProblem as exc:
            raise errors.bad_format(obj.name, f"Illegal format for {fdef.label} : {exc}", action) from exc
    return out


def require(obj: ObjectDef, data: Row, names: list[str] | None = None, action: str = "create",
            what: str | None = None, owner: ObjectDef | None = None) -> None:
    needed = names if names is not None else [f.name for f in obj.fields.values() if f.required]
    for name in needed:
        if not data.get(name):
            raise errors.invalid(
                (owner or obj).name, f"Required field {name} is missing{f' on {what}' if what else ''}.", action,
                correction=f"Provide a value for {name}.",
            )


def check_references(ctx: Ctx, obj: ObjectDef, data: Row, action: str, owner: ObjectDef | None = None) -> None:
    """Every ID field must name an existing, active record; ``owner`` is the record being written."""
    for name, value in data.items():
        fdef = obj.field(name)
        if fdef is None or fdef.ref is None or not value:
            continue
        target = OBJECTS[fdef.ref]
        row = find(ctx, target.name, value)
        if row is None or row.get("STATUS") == "inactive":
            raise invalid_reference(ctx, owner or obj, target.label, value, action)


def check_lines(ctx: Ctx, draft: Draft, action: str) -> None:
    if draft.lines is None or draft.obj.lines is None:
        return
    line_def = OBJECTS[draft.obj.lines.object]
    for number, line in enumerate(draft.lines, start=1):
        # Line errors name the record being written: "Could not create apbill record!".
        require(line_def, line, action=action, what=f"{draft.obj.lines.object} {number}", owner=draft.obj)
        check_references(ctx, line_def, line, action, owner=draft.obj)


# -- persistence -----------------------------------------------------------------


Hook = Callable[[Ctx, Draft, str], None]
PREPARE: dict[str, Hook] = {}
"""Per-object defaults and rules, run before the generic checks (``rules.py`` fills it)."""
AFTER: dict[str, Callable[[Ctx, Draft, int, str], None]] = {}
"""Per-object side effects once the record and its lines are saved."""
BEFORE_DELETE: dict[str, Callable[[Ctx, ObjectDef, Row], None]] = {}
AFTER_DELETE: dict[str, Callable[[Ctx, ObjectDef, Row], None]] = {}


def _save_lines(ctx: Ctx, draft: Draft, header_no: int, action: str) -> None:
    assert draft.obj.lines is not None and draft.lines is not None
    line_def = OBJECTS[draft.obj.lines.object]
    kept: set[int] = set()
    for number, line in enumerate(draft.lines, start=1):
        if "LINE_NO" in line_def.fields:
            line["LINE_NO"] = str(number)
        line[PARENT_FIELD[line_def.name]] = str(header_no)
        if line.get("RECORDNO"):
            line_no = int(line["RECORDNO"])
            line["WHENMODIFIED"] = ctx.now_stamp()
            ctx.records.update(kind(line_def.name), line_no, line)
        else:
            line_no = ctx.records.next_value(kind(line_def.name))
            line["RECORDNO"] = str(line_no)
            line.setdefault("WHENCREATED", ctx.now_stamp())
            line["WHENMODIFIED"] = line["WHENCREATED"]
            ctx.records.insert(kind(line_def.name), line, parent=header_no, id=line_no)
        kept.add(line_no)
    for old in draft.existing_lines:
        if int(old["RECORDNO"]) not in kept:
            ctx.records.delete(kind(line_def.name), int(old["RECORDNO"]))


def prepare_lines(ctx: Ctx, obj: ObjectDef, raw_lines: list[Row], action: str) -> list[Row]:
    assert obj.lines is not None
    line_def = OBJECTS[obj.lines.object]
    out = []
    for raw in raw_lines:
        recordno = raw.get("RECORDNO", "").strip()
        line = coerce_fields(ctx, line_def, raw, action)
        # On update a line RECORDNO says which line to change; on create it is an echo and ignored.
        if recordno and action == "update":
            if not recordno.isdigit():
                raise errors.bad_format(obj.name, f"Illegal format for {line_def.name} RECORDNO : '{recordno}' is "
                                                  "not a record number.", action)
            line["RECORDNO"] = str(int(recordno))
        out.append(line)
    return out


def check_line_owner(draft: Draft) -> None:
    """A line RECORDNO on update must be one of this record's own lines."""
    if draft.lines is None or draft.obj.lines is None:
        return
    own = {line["RECORDNO"] for line in draft.existing_lines}
    for line in draft.lines:
        if line.get("RECORDNO") and line["RECORDNO"] not in own:
            raise errors.invalid(draft.obj.name, f"{draft.obj.lines.object} with RECORDNO {line['RECORDNO']} does "
                                                 f"not belong to this {draft.obj.label}.", "update")


def create(ctx: Ctx, obj: ObjectDef, raw: Row, raw_lines: list[Row] | None) -> Row:
    data = coerce_fields(ctx, obj, raw, "create")
    lines = prepare_lines(ctx, obj, raw_lines, "create") if obj.lines and raw_lines is not None else (
        [] if obj.lines else None)
    draft = Draft(obj, data, lines)
    recordno = ctx.records.next_value(kind(obj.name))
    draft.data["RECORDNO"] = str(recordno)
    # Missing required fields are reported as such, before any rule reads them.
    require(obj, draft.data)
    if obj.name in PREPARE:
        PREPARE[obj.name](ctx, draft, "create")
    require(obj, draft.data)
    check_references(ctx, obj, draft.data, "create")
    check_lines(ctx, draft, "create")
    key = record_key(obj, draft.data)
    if key is not None and ctx.records.get_by_key(kind(obj.name), key) is not None:
        shown = draft.data.get(obj.id_field or "", "") or key.split("|")[-1]
        raise errors.duplicate(obj.label, shown, obj.name)
    stamp = ctx.now_stamp()
    if obj.fields["WHENCREATED"].type == "ts":
        # On a transaction WHENCREATED is its date, which a draft may leave empty.
        draft.data.setdefault("WHENCREATED", stamp)
    draft.data["WHENMODIFIED"] = stamp
    ctx.records.insert(kind(obj.name), draft.data, key=key, id=recordno)
    if draft.lines is not None and obj.lines is not None:
        _save_lines(ctx, draft, recordno, "create")
    if obj.name not in AFTER:
        return draft.data
    AFTER[obj.name](ctx, draft, recordno, "create")
    return get(ctx, obj.name, recordno) or draft.data


def locate_for_update(ctx: Ctx, obj: ObjectDef, raw: Row) -> Row:
    recordno = raw.get("RECORDNO", "").strip()
    if recordno:
        row = get(ctx, obj.name, recordno)
        if row is None:
            raise _missing_for_update(obj, "RECORDNO", recordno)
        return row
    for key_field in obj.update_keys:
        value = raw.get(key_field, "").strip()
        if key_field != "RECORDNO" and value:
            row = find(ctx, obj.name, value)
            if row is None:
                raise _missing_for_update(obj, key_field, value)
            return row
    keys = " or ".join(obj.update_keys)
    raise errors.invalid(obj.name, f"Provide {keys} to identify the {obj.label} to update.", "update")


def _missing_for_update(obj: ObjectDef, key_field: str, value: str) -> errors.FunctionFailure:
    message = f"Cannot update non-existing {obj.name} with {key_field}={value}."
    return errors.FunctionFailure(errors.ErrorDetail(message, description2=message))


def update(ctx: Ctx, obj: ObjectDef, raw: Row, raw_lines: list[Row] | None) -> Row:
    existing = locate_for_update(ctx, obj, raw)
    recordno = int(existing["RECORDNO"])
    incoming = coerce_fields(ctx, obj, {k: v for k, v in raw.items() if k != "RECORDNO"}, "update")
    if obj.id_field and incoming.get(obj.id_field) and incoming[obj.id_field] != existing.get(obj.id_field):
        raise errors.invalid(obj.name, f"{obj.id_field} cannot be changed on update.", "update")
    data = dict(existing)
    data.update(incoming)
    lines = prepare_lines(ctx, obj, raw_lines, "update") if obj.lines and raw_lines is not None else None
    draft = Draft(obj, data, lines, existing=existing, existing_lines=lines_of(ctx, obj, recordno))
    require(obj, draft.data, action="update")
    check_line_owner(draft)
    if obj.name in PREPARE:
        PREPARE[obj.name](ctx, draft, "update")
    require(obj, draft.data, action="update")
    changed = {k: v for k, v in draft.data.items() if existing.get(k) != v}
    check_references(ctx, obj, changed, "update")
    check_lines(ctx, draft, "update")
    key = record_key(obj, draft.data)
    if key is not None:
        other = ctx.records.get_by_key(kind(obj.name), key)
        if other is not None and other.id != recordno:
            raise errors.duplicate(obj.label, key.split("|")[-1], obj.name)
    draft.data["WHENMODIFIED"] = ctx.now_stamp()
    ctx.records.update(kind(obj.name), recordno, draft.data, key=key)
    if draft.lines is not None and obj.lines is not None:
        _save_lines(ctx, draft, recordno, "update")
    if obj.name in AFTER:
        AFTER[obj.name](ctx, draft, recordno, "update")
    return get(ctx, obj.name, recordno) or draft.data


def delete(ctx: Ctx, obj: ObjectDef, recordno: str) -> None:
    row = get(ctx, obj.name, recordno)
    if row is None:
        raise errors.FunctionFailure(errors.ErrorDetail(
            "BL01001973", description2=f"Cannot find {obj.tag} with key '{recordno}' to delete."))
    if obj.name in BEFORE_DELETE:
        BEFORE_DELETE[obj.name](ctx, obj, row)
    number = int(row["RECORDNO"])
    if obj.lines is not None:
        ctx.records.delete_children(kind(obj.lines.object), number)
    ctx.records.delete(kind(obj.name), number)
    if obj.name in AFTER_DELETE:
        AFTER_DELETE[obj.name](ctx, obj, row)


def save_derived(ctx: Ctx, obj: str, row: Row) -> None:
    """Write back system-maintained fields (totals, states) on an existing record."""
    ctx.records.update(kind(obj), int(row["RECORDNO"]), row)


def insert_seed(records: Records, config: dict[str, Any], obj: str, fields: dict[str, Any],
                parent: int | None = None) -> int:
    """Seed one record through the same rules a client's create goes through."""
    ctx = Ctx(records=records, config=config, clock=Clock())
    odef = OBJECTS[obj]
    raw = {k: str(v) for k, v in fields.items() if v is not None}
    if odef.line_of is not None:
        assert parent is not None
        data = coerce_fields(ctx, odef, raw, "create")
        number = records.next_value(kind(obj))
        data["RECORDNO"] = str(number)
        data[PARENT_FIELD[obj]] = str(parent)
        data["WHENCREATED"] = data["WHENMODIFIED"] = ctx.now_stamp()
        records.insert(kind(obj), data, parent=parent, id=number)
        return number
    return int(create(ctx, odef, raw, None)["RECORDNO"])


def field_names(obj: ObjectDef) -> list[str]:
    return list(obj.fields)


def field_def(obj: ObjectDef, name: str) -> Field | None:
    return obj.fields.get(name)
