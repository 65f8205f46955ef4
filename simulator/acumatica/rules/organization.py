"""Companies (CS101500) and branches (CS102000): the organization the tenant's settings describe.

Sign-in (``branch``) and ``PX-CbApiBranch`` check branches against the same settings, so the API shows
exactly the branches a client can use. They are set up on their forms, not through integrations: the
API reads them and refuses writes.
"""

from __future__ import annotations

import uuid
from typing import Any

from simulator.acumatica.entities import BRANCH, COMPANY
from simulator.acumatica.models import Stored
from simulator.acumatica.rules.base import Ctx, Rules, register


def company_id(ctx: Ctx) -> str:
    return str(ctx.setting("company_id") or str(ctx.setting("tenant_name") or "COMPANY").upper())


def _node(ctx: Ctx, kind: str, key: str, fields: dict[str, Any]) -> Stored:
    tenant = str(ctx.setting("tenant_name") or "")
    record_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"erpsim:acumatica:{tenant}:{kind}:{key}"))
    return Stored(0, {"id": record_id, "fields": fields, "details": {}, "links": {}, "custom": {}, "note": "",
                      "files": [], "sys": {}})


class CompanyRules(Rules):
    entity = COMPANY
    from_settings = True

    def records(self, ctx: Ctx) -> list[Stored]:
        cid = company_id(ctx)
        branches = ctx.setting("branches") or []
        return [_node(ctx, "Company", cid, {
            "CompanyID": cid, "CompanyName": str(ctx.setting("company_name") or ctx.setting("tenant_name") or cid),
            "CompanyType": "With Branches Not Requiring Balancing" if len(branches) > 1 else "Without Branches",
            "BaseCurrencyID": ctx.setting("base_currency", default="USD"), "Active": True,
        })]


class BranchRules(Rules):
    entity = BRANCH
    from_settings = True

    def records(self, ctx: Ctx) -> list[Stored]:
        names = ctx.setting("branch_names") or {}
        return [_node(ctx, "Branch", str(b), {
            "BranchID": str(b), "BranchName": str(names.get(b) or b), "Company": company_id(ctx),
            "BaseCurrencyID": ctx.setting("base_currency", default="USD"), "Active": True,
        }) for b in ctx.setting("branches") or []]


register(CompanyRules())
register(BranchRules())
