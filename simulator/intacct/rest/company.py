"""What a client reads to orient itself: entities (kept in the tenant's settings, where sign-in checks
them), users when the room keeps no USERINFO records, the dimension list, and an XML gateway session
minted from a REST token."""

from __future__ import annotations

import secrets
from typing import Any

from simulator.intacct.models import Ctx, Row
from simulator.intacct.rest.convert import Reader
from simulator.intacct.rest.records import reference
from simulator.intacct.rest.resources import RESOURCES, Resource
from simulator.intacct.rest.wire import RestError, not_found
from simulator.intacct.schema import ObjectDef, parse_fields

ENTITY = Resource("company-config/entity", "ENTITY", {"name": "NAME", "status": "STATUS"}, id_field="LOCATIONID",
                  ops="g", virtual=ObjectDef("ENTITY", "Entity", parse_fields(
                      "LOCATIONID text ro\nNAME text ro\nSTATUS enum:active|inactive ro\n")))
USER = Resource("company-config/user", "USERINFO", {"userName": "LOGINID", "userType": "USERTYPE",
                                                     "status": "STATUS"},
                id_field="LOGINID", ops="g", name_field="LOGINID", virtual=ObjectDef("USERINFO", "User", parse_fields(
                    "LOGINID text ro\nUSERTYPE text ro\nSTATUS enum:active|inactive ro\n")))
# Users are records when the Intacct room holds USERINFO; otherwise they come from the login settings.
VIRTUAL = {ENTITY.path: ENTITY, **({} if USER.path in RESOURCES else {USER.path: USER})}


def resource(name: str) -> Resource | None:
    return VIRTUAL.get(name)


def serves(res: Resource) -> bool:
    return res.path in VIRTUAL


def rows(ctx: Ctx, res: Resource) -> list[Row]:
    if res is ENTITY:
        return [{"RECORDNO": str(n), "LOCATIONID": e, "NAME": e, "STATUS": "active"}
                for n, e in enumerate(ctx.config.get("entities", []), start=1)]
    return [{"RECORDNO": str(n), "LOGINID": u, "USERTYPE": "business", "STATUS": "active"}
            for n, u in enumerate(ctx.config.get("users", {}), start=1)]


def read_only(res: Resource) -> RestError:
    return RestError(405, f"{res.path} is kept in the company's setup and is read-only here",
                     code="methodNotAllowed", error_id="REST-1007", message_id="IA.METHOD_NOT_ALLOWED")


def list_refs(ctx: Ctx, res: Resource, limit: int) -> tuple[list[dict[str, Any]], int]:
    found = rows(ctx, res)
    return [reference(res, row) for row in found[:limit]], len(found)


def get_record(ctx: Ctx, res: Resource, key: str) -> dict[str, Any]:
    for row in rows(ctx, res):
        if row["RECORDNO"] == key:
            return Reader(ctx).record(res, row)
    raise not_found(res.path, key)


def create(ctx: Ctx, res: Resource, body: Any) -> Row:
    raise read_only(res)


def update(ctx: Ctx, res: Resource, key: str, body: Any) -> Row:
    raise read_only(res)


def delete(ctx: Ctx, res: Resource, key: str) -> None:
    raise read_only(res)


def dimensions() -> list[dict[str, Any]]:
    names = {"projects/project": "project", "projects/task": "task", "construction/cost-type": "costType",
             "accounts-payable/vendor": "vendor", "accounts-receivable/customer": "customer",
             "inventory-control/item": "item", "company-config/location": "location",
             "company-config/department": "department", "company-config/class": "class",
             "company-config/employee": "employee"}
    return [{"dimensionName": name, "dimensionLabel": name[:1].upper() + name[1:], "isUserDefinedDimension": False,
             "dimensionEndpoint": f"/objects/{path}"} for path, name in names.items() if path in RESOURCES]


def xml_session(api: Any) -> dict[str, Any]:
    """``GET /services/core/session/id``: an XML gateway session for the same user, company and entity."""
    principal = api.principal
    minutes = float(principal.tenant.config.get("intacct", {}).get("session_minutes", 130))
    session_id = secrets.token_urlsafe(24) + ".."
    expires = api.clock.time() + minutes * 60
    api.store.put_session(session_id, principal.tenant.id, "intacct", principal.user, expires,
                          {"locationid": principal.entity})
    return {"sessionId": session_id, "endpoint": f"{api.origin}/ia/xml/xmlgw.phtml", "expiresIn": int(minutes * 60)}
