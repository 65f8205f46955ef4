"""Intacct records as REST JSON and back: ISO dates, decimal strings, nested references, ``audit``.

Values are stored in the Intacct wire form (``mm/dd/yyyy``, ``100.00``,
``true``); this module only changes how they look, never what they mean.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache
from typing import Any

from simulator.intacct import errors, models
from simulator.intacct.models import Ctx, Row
from simulator.intacct.rest.resources import RESOURCES, Enum, Ref, Resource, Spec, line_resource
from simulator.intacct.rest.wire import Detail, RestError, payload_error
from simulator.intacct.schema import Field

BASE = "/objects/"
_US_DATE = re.compile(r"^(\d{2})/(\d{2})/(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
READ_ONLY_GROUPS = ("audit",)


@lru_cache(maxsize=4096)
def camel(value: str) -> str:
    """An Intacct display value as a REST enum value: ``Partially Paid`` -> ``partiallyPaid``."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", value) if w]
    if not words:
        return value
    return words[0].lower() + "".join(w[:1].upper() + w[1:].lower() for w in words[1:])


def href(res: Resource, key: str) -> str:
    return f"{BASE}{res.path}/{key}"


def id_of(res: Resource, row: Row) -> str:
    return (row.get(res.id_field, "") if res.id_field else "") or row.get("RECORDNO", "")


def iso_date(value: str) -> str | None:
    match = _US_DATE.match(value)
    return f"{match.group(3)}-{match.group(1)}-{match.group(2)}" if match else (value or None)


def iso_timestamp(value: str) -> str | None:
    for fmt in ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y"):
        try:
            return datetime.strptime(value, fmt).strftime("%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            continue
    return value or None


def field_of(res: Resource, spec: Spec) -> Field | None:
    return res.obj.field(res.xml_field(spec))


# -- reading ------------------------------------------------------------------------


class Reader:
    """Renders one tenant's records; caches the records references point at for one request."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx
        self._refs: dict[tuple[str, str], Row | None] = {}

    def target_row(self, spec: Ref, target: Resource, row: Row) -> Row | None:
        raw = row.get(spec.field, "")
        if not raw:
            return None
        lookup = raw if spec.by_key else "|".join([*(row.get(s, "") for s in spec.scope), raw])
        cache_key = (target.xml, ("#" if spec.by_key else "") + lookup)
        if cache_key not in self._refs:
            self._refs[cache_key] = (models.get(self.ctx, target.xml, raw) if spec.by_key
                                     else models.find(self.ctx, target.xml, lookup))
        return self._refs[cache_key]

    def reference(self, spec: Ref, row: Row) -> dict[str, Any]:
        target = RESOURCES.get(spec.target)
        raw = row.get(spec.field, "")
        if target is None:
            return {"id": raw or None}
        found = self.target_row(spec, target, row)
        if found is None:
            return {"key": raw if spec.by_key and raw else None, "id": None if spec.by_key else (raw or None)}
        out: dict[str, Any] = {"key": found["RECORDNO"], "id": id_of(target, found)}
        if target.name_field:
            out["name"] = found.get(target.name_field) or None
        out["href"] = href(target, found["RECORDNO"])
        return out

    def value(self, res: Resource, spec: Spec, row: Row) -> Any:
        if isinstance(spec, Ref):
            return self.reference(spec, row)
        raw = row.get(res.xml_field(spec), "")
        if isinstance(spec, Enum):
            return spec.values.get(raw, raw or None)
        fdef = res.obj.field(spec)
        if raw == "" or fdef is None:
            return None
        kind = fdef.type
        if kind == "date":
            return iso_date(raw)
        if kind == "ts":
            return iso_timestamp(raw)
        if kind == "bool":
            return raw == "true"
        if kind == "int":
            return int(raw) if raw.lstrip("-").isdigit() else raw
        if kind == "enum":
            return camel(raw)
        return raw

    def audit(self, res: Resource, row: Row) -> dict[str, Any]:
        created = res.obj.fields.get("WHENCREATED")
        return {
            "createdDateTime": iso_timestamp(row.get("WHENCREATED", "")) if created and created.type == "ts" else None,
            "modifiedDateTime": iso_timestamp(row.get("WHENMODIFIED", "")),
            "createdBy": row.get("CREATEDBY") or None,
            "modifiedBy": row.get("MODIFIEDBY") or None,
        }

    def getter(self, res: Resource, path: str) -> Callable[[Row], Any]:
        """``leaf`` for one field, resolved once: the query service reads the same fields of many rows."""
        if path == "key":
            return lambda row: row.get("RECORDNO")
        if path == "id":
            id_field = res.id_field or "RECORDNO"
            return lambda row: row.get(id_field) or row.get("RECORDNO")
        if path == "href":
            prefix = f"{BASE}{res.path}/"
            return lambda row: prefix + row.get("RECORDNO", "")
        spec = res.fields.get(path)
        if spec is None or isinstance(spec, (Ref, Enum)):
            return lambda row: self.leaf(res, row, path)
        name = res.xml_field(spec)
        fdef = res.obj.field(name)
        kind = fdef.type if fdef is not None else "text"
        if kind in ("text", "ref", "cur", "dec", "pct"):
            return lambda row: row.get(name) or None
        return lambda row: self.value(res, spec, row)

    def leaf(self, res: Resource, row: Row, path: str) -> Any:
        """One (possibly dotted) REST field of a record, as the query service returns it."""
        if path == "key":
            return row.get("RECORDNO")
        if path == "id":
            return id_of(res, row)
        if path == "href":
            return href(res, row.get("RECORDNO", ""))
        if path in res.fields:
            return self.value(res, res.fields[path], row)
        head, _, sub = path.rpartition(".")
        if head == "audit":
            return self.audit(res, row).get(sub)
        spec = res.fields.get(head)
        if isinstance(spec, Ref):
            return self.reference(spec, row).get(sub)
        raise KeyError(path)

    def record(self, res: Resource, row: Row, *, lines: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {"key": row.get("RECORDNO"), "id": id_of(res, row)}
        for path, spec in res.fields.items():
            set_path(out, path, self.value(res, spec, row))
        out["audit"] = self.audit(res, row)
        line_res = line_resource(res)
        if lines and res.lines and line_res is not None:
            out[res.lines[0]] = [self.record(line_res, line, lines=False)
                                 for line in models.lines_of(self.ctx, res.obj, row["RECORDNO"])]
        out["href"] = href(res, row.get("RECORDNO", ""))
        return out


def set_path(out: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    holder = out
    for part in parts[:-1]:
        holder = holder.setdefault(part, {})
    holder[parts[-1]] = value


def leaf_paths(res: Resource) -> list[str]:
    """Every field path the query service accepts for this object."""
    out = ["key", "id", "href"]
    for path, spec in res.fields.items():
        if isinstance(spec, Ref):
            out += [f"{path}.{sub}" for sub in ("key", "id", "name", "href")]
        else:
            out.append(path)
    out += [f"audit.{name}" for name in ("createdDateTime", "modifiedDateTime", "createdBy", "modifiedBy")]
    return out


# -- writing ------------------------------------------------------------------------


def target_of(path: str) -> str:
    return "/" + path.replace(".", "/")


class Writer:
    """A REST payload as the raw Intacct fields a create or update takes."""

    def __init__(self, ctx: Ctx, res: Resource) -> None:
        self.ctx = ctx
        self.res = res
        self.prefixes = group_prefixes(res)

    def parse(self, body: Any, *, allow_lines: bool = True) -> tuple[Row, list[dict[str, Any]] | None]:
        if not isinstance(body, dict):
            raise payload_error("The payload must be a JSON object.", None, message_id="IA.INVALID_PAYLOAD")
        raw: Row = {}
        filled: Row = {}
        lines: list[dict[str, Any]] | None = None
        self._walk(body, "", raw, filled)
        if allow_lines and self.res.lines and self.res.lines[0] in body:
            items = body[self.res.lines[0]]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise payload_error(f"/{self.res.lines[0]} must be an array of objects.", f"/{self.res.lines[0]}")
            lines = items
        for name, value in filled.items():
            raw.setdefault(name, value)
        return raw, lines

    def _walk(self, body: dict[str, Any], prefix: str, raw: Row, filled: Row) -> None:
        res = self.res
        for name, value in body.items():
            path = prefix + name
            if not prefix and (name in ("key", "href", "ia::operation") or name in READ_ONLY_GROUPS):
                continue
            if not prefix and res.lines and name == res.lines[0]:
                continue
            if not prefix and name == "id":
                if res.id_field and not res.obj.fields[res.id_field].readonly and value not in (None, ""):
                    raw[res.id_field] = self.text(value, "id")
                continue
            spec = res.fields.get(path)
            if spec is not None:
                if isinstance(spec, Ref):
                    self.reference(spec, path, value, raw, filled)
                else:
                    self.scalar(spec, path, value, raw)
            elif isinstance(value, dict) and path in self.prefixes:
                self._walk(value, path + ".", raw, filled)
            else:
                raise payload_error(f"{target_of(path)} is not a valid field", target_of(path))

    @staticmethod
    def text(value: Any, path: str) -> str:
        if isinstance(value, bool) or isinstance(value, (dict, list)):
            raise payload_error(f"{target_of(path)} must be a string.", target_of(path),
                                message_id="IA.INVALID_VALUE", error_id="REST-1047")
        return str(value)

    def scalar(self, spec: str | Enum, path: str, value: Any, raw: Row) -> None:
        name = self.res.xml_field(spec)
        fdef = self.res.obj.field(name)
        if fdef is None or fdef.readonly:
            return  # read-only fields are echoed back by clients; Intacct ignores them
        target = target_of(path)
        if value is None:
            raw[name] = ""
            return
        if isinstance(spec, Enum):
            reverse = {v: k for k, v in spec.values.items()}
            if value not in reverse:
                raise bad_value(target, f"{target} must be one of {', '.join(spec.values.values())}.")
            raw[name] = reverse[value]
            return
        kind = fdef.type
        if kind == "bool":
            if not isinstance(value, bool):
                raise bad_value(target, f"{target} must be true or false.")
            raw[name] = "true" if value else "false"
        elif kind == "date":
            match = _ISO_DATE.match(value) if isinstance(value, str) else None
            if match is None:
                raise bad_value(target, f"{target}: '{value}' is not a valid date; use yyyy-mm-dd.")
            raw[name] = f"{match.group(2)}/{match.group(3)}/{match.group(1)}"
        elif kind in ("int", "dec", "cur", "pct"):
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise bad_value(target, f"{target} must be a number or a decimal string.")
            raw[name] = str(value)
        elif kind == "enum":
            text = self.text(value, path)
            for allowed in fdef.values:
                if text in (camel(allowed), allowed):
                    raw[name] = allowed
                    break
            else:
                raise bad_value(target, f"{target}: '{text}' is not one of "
                                        f"{', '.join(camel(v) for v in fdef.values)}.")
        else:
            raw[name] = self.text(value, path)

    def reference(self, spec: Ref, path: str, value: Any, raw: Row, filled: Row) -> None:
        target = target_of(path)
        fdef = self.res.obj.field(spec.field)
        if fdef is None or fdef.readonly:
            return
        if value is None:
            raw[spec.field] = ""
            return
        if not isinstance(value, dict):
            raise bad_value(target, f"{target} must be an object with an id or a key.")
        given_id, given_key = value.get("id"), value.get("key")
        if given_id not in (None, ""):
            raw[spec.field] = self.text(given_id, path + ".id")
        elif given_key not in (None, ""):
            key = self.text(given_key, path + ".key")
            if spec.by_key:
                raw[spec.field] = key
                return
            target_res = RESOURCES.get(spec.target)
            found = models.get(self.ctx, target_res.xml, key) if target_res is not None else None
            if found is None or target_res is None:
                raise payload_error(f"{target}/key: no {spec.target} with key '{key}' was found.", f"{target}/key",
                                    message_id="IA.INVALID_REFERENCE", error_id="REST-1050")
            raw[spec.field] = id_of(target_res, found)
            for scope in spec.scope:  # a task by key also says which project it belongs to
                filled[scope] = found.get(scope, "")


_PREFIXES: dict[str, frozenset[str]] = {}


def group_prefixes(res: Resource) -> frozenset[str]:
    """The nested groups of an object's fields (``contacts``, ``contacts.default``…)."""
    if res.path not in _PREFIXES:
        _PREFIXES[res.path] = frozenset(p.rsplit(".", i)[0] for p in res.fields for i in range(1, p.count(".") + 1))
    return _PREFIXES[res.path]


def bad_value(target: str, message: str) -> RestError:
    return payload_error(message, target, message_id="IA.INVALID_VALUE", error_id="REST-1047")


# -- errors -------------------------------------------------------------------------

_FIELD_TOKEN = re.compile(r"\b[A-Z][A-Z0-9_]*(?:\.[A-Z0-9_]+)*\b")
DETAIL_CODES = {"BL34000061": "duplicateValue", "BL03000018": "invalidValue"}


def rest_names(res: Resource, message: str = "") -> dict[str, str]:
    """Intacct field -> REST path, for this object and its lines.

    A header and its lines can share a field (PROJECTID): the line's name wins when
    the message is about a line, or names a field only lines have.
    """
    line = line_resource(res)
    about_line = line is not None and (line.xml in message or any(
        name in message for name in line.obj.fields if name not in res.obj.fields and len(name) > 3))
    names: dict[str, str] = {}
    for candidate in filter(None, (res, line) if about_line else (line, res)):
        for path, spec in candidate.fields.items():
            names[candidate.xml_field(spec)] = path
        if candidate.id_field:
            names[candidate.id_field] = "id"
    names["RECORDNO"] = "key"
    return names


def from_failure(exc: errors.IntacctError, res: Resource, status: int) -> RestError:
    """The Intacct rule's failure in REST's words: the same message, REST field names, a ``target``."""
    details: list[Detail] = []
    headline = ""
    for item in exc.details:
        message = item.description2 or item.description or item.errorno
        if message.startswith("Could not ") and message.endswith(" record!"):
            headline = message
            continue
        target: list[str] = []
        names = rest_names(res, message)

        def swap(match: re.Match[str]) -> str:
            name = match.group(0)
            if name in names:
                target.append(names[name])
                return names[name]
            return name

        text = _FIELD_TOKEN.sub(swap, message)
        details.append(Detail(text, code=DETAIL_CODES.get(item.errorno, "invalidRequest"), error_id=item.errorno,
                              target=target_of(target[0]) if target else None,
                              message_id=f"IA.{item.errorno}"))
    top = headline or (details[0].message if details else str(exc))
    return RestError(status, top, code="operationFailed", error_id="REST-1064", message_id="IA.PAYLOAD_CONTAINS_ERRORS",
                     details=details)
