"""The JSON on the wire: value wrappers in, value wrappers out.

Inbound, ``parse_entity`` turns a request object into a ``Patch`` (plain values,
typed per the contract) or raises a 400 in Web API's ``modelState`` form.
Outbound, ``render`` turns a stored node into the contract's shape: every field
as ``{"value": x}`` (``{}`` when empty), system fields bare, linked and detail
entities only when expanded.

A stored node is ``{"id", "fields", "details", "links", "custom", "note",
"files", "sys"}``; ``sys`` is ours and never leaves the server.
"""

from __future__ import annotations

import json
import math
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from simulator.acumatica import errors
from simulator.acumatica.entities import Entity, in_version, schema

SYSTEM = ("id", "rowNumber", "note", "custom", "error", "files", "_links", "delete")

CUSTOM_TYPES = {
    "CustomStringField": "String",
    "CustomDecimalField": "Decimal",
    "CustomDoubleField": "Decimal",
    "CustomBooleanField": "Boolean",
    "CustomIntField": "Int",
    "CustomShortField": "Short",
    "CustomLongField": "Long",
    "CustomByteField": "Short",
    "CustomDateTimeField": "DateTime",
    "CustomGuidField": "Guid",
}

_INT_RANGES = {"Int": (-(2**31), 2**31 - 1), "Short": (-(2**15), 2**15 - 1), "Long": (-(2**63), 2**63 - 1)}
_NET_TYPES = {
    "String": "System.String",
    "Decimal": "System.Nullable`1[System.Decimal]",
    "Boolean": "System.Nullable`1[System.Boolean]",
    "DateTime": "System.Nullable`1[System.DateTime]",
    "Int": "System.Nullable`1[System.Int32]",
    "Short": "System.Nullable`1[System.Int16]",
    "Long": "System.Nullable`1[System.Int64]",
    "Guid": "System.Nullable`1[System.Guid]",
}
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$")
_SLASH_ISO = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")


# -- JSON ----------------------------------------------------------------------


def _no_constants(name: str) -> Any:
    raise ValueError(f"Unexpected character encountered while parsing value: {name[0]}.")


def loads(raw: bytes) -> Any:
    """Parse a request body the way the server's JSON reader would (no NaN, no Infinity, bounded depth)."""
    text = raw.decode("utf-8-sig")
    try:
        return json.loads(text, parse_constant=_no_constants)
    except RecursionError as exc:
        raise ValueError("The JSON is nested too deeply.") from exc


# -- values ----------------------------------------------------------------------


class Unconvertible(ValueError):
    pass


def parse_datetime(value: str) -> datetime:
    """ISO 8601 (offset kept as wall clock), ``MM/DD/YYYY [h:mm[:ss] AM]`` or ``YYYY/MM/DD``."""
    text = value.strip()
    m = _US_DATE.match(text)
    if m:
        month, day, year = int(m[1]), int(m[2]), int(m[3])
        hour, minute, second = int(m[4] or 0), int(m[5] or 0), int(m[6] or 0)
        if m[7]:
            if not 1 <= hour <= 12:
                raise Unconvertible(value)
            hour = hour % 12 + (12 if m[7].lower() == "pm" else 0)
        try:
            return datetime(year, month, day, hour, minute, second)
        except ValueError as exc:
            raise Unconvertible(value) from exc
    m = _SLASH_ISO.match(text)
    if m:
        try:
            return datetime(int(m[1]), int(m[2]), int(m[3]))
        except ValueError as exc:
            raise Unconvertible(value) from exc
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError as exc:
        raise Unconvertible(value) from exc
    return parsed.replace(tzinfo=None)


def format_datetime(stored: str) -> str:
    """Stored wall-clock ISO -> the wire form with milliseconds trimmed and the server's offset."""
    dt = datetime.fromisoformat(stored)
    text = dt.strftime("%Y-%m-%dT%H:%M:%S")
    if dt.microsecond:
        text += ("." + f"{dt.microsecond // 1000:03d}").rstrip("0").rstrip(".")
    return text + "+00:00"


def store_datetime(dt: datetime | date) -> str:
    if not isinstance(dt, datetime):
        dt = datetime(dt.year, dt.month, dt.day)
    if dt.tzinfo is not None:
        dt = dt.astimezone(timezone.utc).replace(tzinfo=None)
    return dt.isoformat()


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise Unconvertible(value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise Unconvertible(value)
        return Decimal(str(value))
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation as exc:
            raise Unconvertible(value) from exc
        if not d.is_finite():
            raise Unconvertible(value)
        return d
    raise Unconvertible(value)


def coerce(ftype: str, value: Any) -> Any:
    """A JSON value as the stored form of ``ftype``; ``Unconvertible`` when the reader would fail."""
    if value is None:
        return None
    if ftype == "String":
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, (int, float)):
            return str(value)
        if isinstance(value, str):
            return value
        raise Unconvertible(value)
    if ftype == "Decimal":
        d = _decimal(value)
        if abs(d) >= Decimal("1e28"):
            raise Unconvertible(value)
        return float(d)
    if ftype == "Boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return value != 0
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        raise Unconvertible(value)
    if ftype in _INT_RANGES:
        if isinstance(value, bool):
            raise Unconvertible(value)
        d = _decimal(value)
        if d != d.to_integral_value():
            raise Unconvertible(value)
        low, high = _INT_RANGES[ftype]
        if not low <= int(d) <= high:
            raise Unconvertible(value)
        return int(d)
    if ftype == "DateTime":
        if not isinstance(value, str):
            raise Unconvertible(value)
        return store_datetime(parse_datetime(value))
    if ftype == "Guid":
        if not isinstance(value, str):
            raise Unconvertible(value)
        try:
            return str(uuid.UUID(value))
        except ValueError as exc:
            raise Unconvertible(value) from exc
    raise Unconvertible(value)


def conversion_message(ftype: str, value: Any, path: str) -> str:
    shown = json.dumps(value) if not isinstance(value, str) else f'"{value}"'
    return f"Error converting value {shown} to type '{_NET_TYPES.get(ftype, ftype)}'. Path '{path}'."


def render_value(ftype: str, stored: Any) -> Any:
    if stored is None:
        return None
    if ftype == "DateTime":
        return format_datetime(stored)
    return stored


# -- inbound ----------------------------------------------------------------------


@dataclass
class Patch:
    """What a request says about one entity level: only the values it carries."""

    entity: Entity
    id: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    details: dict[str, list[Patch]] = field(default_factory=dict)
    links: dict[str, Patch] = field(default_factory=dict)
    custom: dict[str, dict[str, Any]] = field(default_factory=dict)
    note: str | None = None
    delete: bool = False

    def has(self, name: str) -> bool:
        return name in self.fields

    def touched(self) -> bool:
        return bool(self.fields or self.details or self.links or self.custom or self.note is not None)


class Reader:
    """Collects every binding error of one request, as Web API's model binder does."""

    def __init__(self, version: str, *, strict: bool, custom_fields: dict[str, Any] | None = None) -> None:
        self.version = version
        self.strict = strict
        self.extra_custom = custom_fields or {}
        self.errors: dict[str, list[str]] = {}

    def fail(self, path: str, message: str) -> None:
        self.errors.setdefault(f"entity.{path}" if path else "entity", []).append(message)

    def check(self) -> None:
        if self.errors:
            raise errors.model_state(self.errors)

    def custom_catalog(self, ent: Entity) -> dict[str, dict[str, str]]:
        catalog = {view: dict(flds) for view, flds in ent.custom.items()}
        for view, flds in (self.extra_custom.get(ent.name) or {}).items():
            if isinstance(flds, dict):
                catalog.setdefault(view, {}).update({k: v for k, v in flds.items() if v in CUSTOM_TYPES})
        return catalog

    def entity(self, ent: Entity, obj: Any, path: str = "") -> Patch:
        patch = Patch(ent)
        if not isinstance(obj, dict):
            self.fail(path.rstrip("."), f"Cannot deserialize the current JSON value into type '{ent.name}'. "
                                        f"Path '{path.rstrip('.')}'.")
            return patch
        for key, value in obj.items():
            where = f"{path}{key}"
            if key in SYSTEM:
                self._system(ent, patch, key, value, where)
                continue
            fld = ent.field(key)
            if fld is not None and in_version(fld.since, self.version):
                if not isinstance(value, dict):
                    self.fail(where, conversion_message(f"{fld.type}Value", value, where))
                    continue
                if "value" not in value:
                    continue  # {} carries nothing: the field is left as it is
                try:
                    patch.fields[key] = coerce(fld.type, value["value"])
                except Unconvertible:
                    self.fail(f"{where}.value", conversion_message(fld.type, value["value"], f"{where}.value"))
                continue
            det = ent.detail(key)
            if det is not None and in_version(det.since, self.version):
                if value is None:
                    continue
                if not isinstance(value, list):
                    self.fail(where, f"Cannot deserialize the current JSON object into type "
                                     f"'{det.entity}[]'. Path '{where}'.")
                    continue
                rows = []
                for i, row in enumerate(value):
                    rows.append(self.entity(schema(det.entity), row, f"{where}[{i}]."))
                patch.details[key] = rows
                continue
            lnk = ent.link(key)
            if lnk is not None and in_version(lnk.since, self.version):
                if value is None:
                    continue
                patch.links[key] = self.entity(schema(lnk.entity), value, f"{where}.")
                continue
            if self.strict:
                self.fail(where, f"Could not find member '{key}' on object of type '{ent.name}'. Path '{where}'.")
        return patch

    def _system(self, ent: Entity, patch: Patch, key: str, value: Any, where: str) -> None:
        if key == "id":
            if value is None:
                return
            try:
                patch.id = coerce("Guid", value)
            except Unconvertible:
                self.fail(where, conversion_message("Guid", value, where))
        elif key == "note":
            if isinstance(value, dict):
                value = value.get("value")
            if value is not None and not isinstance(value, str):
                self.fail(where, conversion_message("String", value, where))
            else:
                patch.note = value
        elif key == "delete":
            if isinstance(value, dict):
                value = value.get("value")
            if value is not None and not isinstance(value, bool):
                self.fail(where, conversion_message("Boolean", value, where))
            else:
                patch.delete = bool(value)
        elif key == "custom":
            self._custom(ent, patch, value, where)
        # rowNumber, error, files and _links are the server's own; a client echoing them changes nothing.

    def _custom(self, ent: Entity, patch: Patch, value: Any, where: str) -> None:
        if value is None:
            return
        if not isinstance(value, dict):
            self.fail(where, f"Cannot deserialize the current JSON value into type 'CustomFields'. Path '{where}'.")
            return
        catalog = self.custom_catalog(ent)
        for view, flds in value.items():
            if not isinstance(flds, dict):
                self.fail(f"{where}.{view}", f"Cannot deserialize the current JSON value. Path '{where}.{view}'.")
                continue
            for name, wrapped in flds.items():
                spot = f"{where}.{view}.{name}"
                if not isinstance(wrapped, dict):
                    self.fail(spot, f"Cannot deserialize the current JSON value into type 'CustomField'. "
                                    f"Path '{spot}'.")
                    continue
                declared = wrapped.get("type")
                if declared is not None and declared not in CUSTOM_TYPES:
                    self.fail(f"{spot}.type", f"Type '{declared}' is not a custom field type. Path '{spot}.type'.")
                    continue
                known = catalog.get(view, {}).get(name)
                if known is None or "value" not in wrapped:
                    continue  # fields outside the customization are dropped, as the server does
                ftype = CUSTOM_TYPES[known]
                try:
                    patch.custom.setdefault(view, {})[name] = coerce(ftype, wrapped["value"])
                except Unconvertible:
                    self.fail(f"{spot}.value", conversion_message(ftype, wrapped["value"], f"{spot}.value"))


# -- outbound ----------------------------------------------------------------------


@dataclass
class Shape:
    """Which parts of an entity a response carries ($select, $expand, $custom)."""

    select: set[str] | None = None
    expand: set[str] = field(default_factory=set)
    custom: list[str] = field(default_factory=list)

    def sub(self, name: str) -> Shape:
        prefix = name + "/"
        select = None
        if self.select is not None:
            inner = {p[len(prefix):] for p in self.select if p.startswith(prefix)}
            select = inner or None
        return Shape(
            select=select,
            expand={p[len(prefix):] for p in self.expand if p.startswith(prefix)},
            custom=[c[len(prefix):] for c in self.custom if c.startswith(prefix)],
        )

    def __post_init__(self) -> None:
        own = {p for p in self.select if "/" not in p} if self.select is not None else set()
        self._own: frozenset[str] | None = frozenset(own) if own else None

    def wants_field(self, name: str) -> bool:
        return self._own is None or name in self._own


def split_list(text: str | None) -> list[str]:
    if not text:
        return []
    return [part.strip() for part in text.split(",") if part.strip()]


@dataclass
class Site:
    """Where links point: the virtual directory and contract version of this request."""

    root: str  # "/acumatica"
    endpoint: str
    version: str

    @property
    def entity_base(self) -> str:
        return f"{self.root}/entity/{self.endpoint}/{self.version}"


def custom_value_type(ent: Entity, view: str, name: str, extra: dict[str, Any]) -> str | None:
    known = ent.custom.get(view, {}).get(name)
    if known:
        return known
    declared = ((extra.get(ent.name) or {}).get(view) or {}).get(name)
    return declared if declared in CUSTOM_TYPES else None


def render(
    ent: Entity,
    node: dict[str, Any],
    shape: Shape,
    site: Site,
    *,
    row_number: int = 1,
    top: Entity | None = None,
    custom_fields: dict[str, Any] | None = None,
    errors_at: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One node in contract form. ``errors_at`` mirrors the node with messages to echo (422)."""
    top = top or ent
    version = site.version
    extra = custom_fields or {}
    out: dict[str, Any] = {"id": node["id"], "rowNumber": row_number, "note": {"value": node.get("note") or ""}}
    err = errors_at or {}
    if err.get("error"):
        out["error"] = err["error"]
    field_errors = err.get("fields", {})
    values = node.get("fields", {})
    for name, ftype in _served_fields(ent.name, version):
        if not shape.wants_field(name) and name not in field_errors:
            continue
        stored = values.get(name)
        if stored is None:
            wrapped: dict[str, Any] = {}
        elif ftype == "DateTime":
            wrapped = {"value": format_datetime(stored)}
        else:
            wrapped = {"value": stored}
        if name in field_errors:
            wrapped["error"] = field_errors[name]
        out[name] = wrapped
    for det in ent.details:
        if not in_version(det.since, version):
            continue
        rows = node.get("details", {}).get(det.name)
        row_errors = err.get("details", {}).get(det.name)
        if det.name not in shape.expand and not row_errors:
            continue
        sub_shape = shape.sub(det.name)
        row_ent = schema(det.entity)
        out[det.name] = [
            render(row_ent, row, sub_shape, site, row_number=i + 1, top=top, custom_fields=extra,
                   errors_at=(row_errors or {}).get(row["id"]))
            for i, row in enumerate(rows or [])
        ]
    for lnk in ent.links:
        if not in_version(lnk.since, version) or lnk.name not in shape.expand:
            continue
        linked = node.get("links", {}).get(lnk.name)
        if linked is None:
            linked = {"id": _stable_id(node["id"], lnk.name)}
        out[lnk.name] = render(schema(lnk.entity), linked, shape.sub(lnk.name), site, top=top, custom_fields=extra,
                               errors_at=err.get("links", {}).get(lnk.name))
    out["custom"] = _custom_block(ent, node, shape, extra)
    if "files" in shape.expand and ent.top_level:
        out["files"] = [
            {"id": f["id"], "filename": f["filename"], "href": f"{site.entity_base}/files/{f['id']}",
             **({"comment": f["comment"]} if f.get("comment") else {})}
            for f in node.get("files", [])
        ]
    files_put = f"{site.entity_base}/files/{top.graph}/{ent.view or top.view}/{node['id']}/{{filename}}"
    if ent.top_level:
        out["_links"] = {"self": f"{site.entity_base}/{ent.name}/{node['id']}", "files:put": files_put}
    elif ent.view:
        out["_links"] = {"files:put": files_put}
    return out


@lru_cache(maxsize=256)
def _served_fields(entity_name: str, version: str) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.type) for f in schema(entity_name).fields if in_version(f.since, version))


def _custom_block(ent: Entity, node: dict[str, Any], shape: Shape, extra: dict[str, Any]) -> dict[str, Any]:
    block: dict[str, Any] = {}
    stored = node.get("custom", {})
    for ref in shape.custom:
        if "/" in ref:
            continue
        view, _, name = ref.partition(".")
        ctype = custom_value_type(ent, view, name, extra)
        if ctype is None:
            continue
        value = stored.get(view, {}).get(name)
        block.setdefault(view, {})[name] = {"type": ctype,
                                            "value": render_value(CUSTOM_TYPES[ctype], value)}
    return block


def _stable_id(parent: str, name: str) -> str:
    return str(uuid.uuid5(uuid.UUID(parent), name))


def skeleton(ent: Entity, site: Site, custom_fields: dict[str, Any], *, top: bool = True) -> dict[str, Any]:
    """``$adHocSchema``: the entity with every field empty at every level, each level's custom fields listed by
    view, and the workflow actions postable by name (IDG: Get_List_of_Custom_Fields)."""
    out: dict[str, Any] = {"id": str(uuid.UUID(int=0)), "rowNumber": 1, "note": {}}
    for fld in ent.fields_in(site.version):
        out[fld.name] = {}
    for det in ent.details_in(site.version):
        out[det.name] = [skeleton(schema(det.entity), site, custom_fields, top=False)]
    for lnk in ent.links_in(site.version):
        out[lnk.name] = skeleton(schema(lnk.entity), site, custom_fields, top=False)
    custom: dict[str, Any] = {}
    catalog = {view: dict(flds) for view, flds in ent.custom.items()}
    for view, flds in (custom_fields.get(ent.name) or {}).items():
        if isinstance(flds, dict):
            catalog.setdefault(view, {}).update({k: v for k, v in flds.items() if v in CUSTOM_TYPES})
    for view, flds in catalog.items():
        custom[view] = {name: {"type": ctype, "value": None} for name, ctype in flds.items()}
    out["custom"] = custom
    if top:
        out["_workflowActions"] = [{name: {"parameters": {"custom": {}}}}
                                   for name in ent.workflow_actions(site.version)]
    return out
