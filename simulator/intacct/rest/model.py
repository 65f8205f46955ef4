"""The model service, ``GET /services/core/model``: each served object described from its field map.

Types, read-only and required flags come from the Intacct object definition
the records are validated against, so the description is what is enforced.
"""

from __future__ import annotations

from typing import Any

from simulator.intacct.rest import company, resources
from simulator.intacct.rest.convert import camel
from simulator.intacct.rest.resources import RESOURCES, Enum, Ref, Resource
from simulator.intacct.rest.wire import RestError, single_meta

FORMATS = {"cur": "decimal-precision-2", "dec": "decimal-precision-10", "pct": "decimal-precision-2",
           "date": "date", "ts": "date-time"}
TYPES = {"int": "integer", "bool": "boolean"}


def served() -> list[Resource]:
    return [*RESOURCES.values(), *company.VIRTUAL.values()]


def methods(res: Resource) -> str:
    verbs = ["OPTIONS", "GET"]
    verbs += [verb for op, verb in (("c", "POST"), ("d", "DELETE"), ("u", "PATCH")) if op in res.ops]
    return ",".join(verbs)


def field_model(res: Resource, spec: str | Enum) -> dict[str, Any]:
    fdef = res.obj.field(res.xml_field(spec))
    assert fdef is not None
    out: dict[str, Any] = {"type": TYPES.get(fdef.type, "string")}
    if fdef.type in FORMATS:
        out["format"] = FORMATS[fdef.type]
    if isinstance(spec, Enum):
        out["enum"] = list(spec.values.values())
    elif fdef.type == "enum":
        out["enum"] = [camel(v) for v in fdef.values]
    out.update({"readOnly": fdef.readonly, "writeOnly": False, "required": fdef.required, "nullable": not
                fdef.required, "mutable": not fdef.readonly})
    return out


def describe_object(res: Resource) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "key": {"type": "string", "readOnly": True, "writeOnly": False, "required": False, "nullable": False,
                "mutable": False},
        "id": {"type": "string", "readOnly": not res.id_field or res.obj.fields[res.id_field].readonly,
               "writeOnly": False, "required": bool(res.id_field and res.obj.fields[res.id_field].required),
               "nullable": False, "mutable": False},
        "href": {"type": "string", "readOnly": True, "writeOnly": False, "required": False, "nullable": False,
                 "mutable": False},
    }
    groups: dict[str, Any] = {"audit": {"fields": {
        name: {"type": "string", "format": "date-time" if name.endswith("DateTime") else None, "readOnly": True}
        for name in ("createdDateTime", "modifiedDateTime", "createdBy", "modifiedBy")}}}
    refs: dict[str, Any] = {}
    for path, spec in res.fields.items():
        if isinstance(spec, Ref):
            refs[path] = {"apiObject": spec.target, "fields": {"key": {"type": "string"}, "id": {"type": "string"},
                                                               "href": {"type": "string", "readOnly": True}}}
            continue
        head, dot, rest = path.partition(".")
        if dot:
            groups.setdefault(head, {"fields": {}})["fields"][rest] = field_model(res, spec)
        else:
            fields[path] = field_model(res, spec)
    line = resources.line_resource(res)
    lists = [{"name": res.lines[0], "apiObject": line.path}] if res.lines and line is not None else []
    return {"fields": fields, "groups": groups, "refs": refs, "lists": lists, "httpMethods": methods(res),
            "idempotenceSupported": "c" in res.ops}


def describe(params: dict[str, str]) -> dict[str, Any]:
    from simulator.intacct.rest.api import resolve_object

    name = params.get("name", "")
    kind_ = params.get("type", "object" if name else "")
    if kind_ not in ("", "object"):
        raise RestError(400, f"Model type {kind_} is not served; use type=object.", error_id="REST-1051",
                        message_id="IA.INVALID_MODEL_TYPE")
    if not name:
        listing = [{"apiObject": r.path, "type": "object", "href": f"/services/core/model?name={r.path}"}
                   for r in served()]
        return {"ia::result": listing, "ia::meta": {"totalCount": len(listing), "totalSuccess": len(listing),
                                                     "totalError": 0}}
    return {"ia::result": describe_object(resolve_object(name)), "ia::meta": single_meta()}
