"""Procore's wire under ``/procore``: OAuth under ``/oauth`` and the REST API under ``/rest``.

The canonical flat v1.0 paths (``?project_id=``), the v1.1 variants, and the project-nested aliases the
published clients call all reach the same handlers.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Mount, Route, Router

from simulator.procore import company_tools as ct
from simulator.procore import contract_tools as kt
from simulator.procore import hooks_api, oauth
from simulator.procore.api import Handler, endpoint
from simulator.procore.wire import answer

V0 = "/rest/v1.0"
VERSIONS = ("/rest/v1.0", "/rest/v1.1")


def r(path: str, handler: Handler, *methods: str, company_header: bool = True) -> Route:
    return Route(path, endpoint(handler, company_header=company_header), methods=list(methods or ["GET"]))


def both(path: str, handler: Handler, *methods: str) -> list[Route]:
    return [r(f"{version}{path}", handler, *methods) for version in VERSIONS]


api_routes: list[BaseRoute] = [
    *oauth.routes,
    r(f"{V0}/me", ct.me, company_header=False),
    r(f"{V0}/companies", ct.companies, company_header=False),
    r(f"{V0}/companies/{{company_id}}/me", ct.me),
    # projects
    *both("/projects", ct.list_projects),
    r(f"{V0}/companies/{{company_id}}/projects", ct.list_projects),
    r(f"{V0}/projects", ct.post_project, "POST"),
    r(f"{V0}/projects/sync", ct.sync_projects, "PATCH"),
    *both("/projects/{id:int}", ct.show_project),
    r(f"{V0}/projects/{{id:int}}", ct.patch_project, "PATCH"),
    # the directory
    r(f"{V0}/vendors", ct.list_vendors),
    r(f"{V0}/vendors", ct.post_vendor, "POST"),
    r(f"{V0}/vendors/sync", ct.sync_vendors, "PATCH"),
    r(f"{V0}/vendors/{{id:int}}", ct.show_vendor),
    r(f"{V0}/vendors/{{id:int}}", ct.patch_vendor, "PATCH"),
    *both("/projects/{project_id:int}/vendors", ct.list_vendors),
    # cost codes, cost types, sub jobs, WBS
    r(f"{V0}/cost_codes", ct.list_cost_codes),
    r(f"{V0}/cost_codes", ct.post_cost_code, "POST"),
    r(f"{V0}/cost_codes/{{id:int}}", ct.show_cost_code),
    r(f"{V0}/companies/{{company_id}}/cost_codes", ct.company_cost_codes),
    r(f"{V0}/standard_cost_code_lists", ct.standard_cost_code_lists),
    r(f"{V0}/standard_cost_codes", ct.company_cost_codes),
    r(f"{V0}/companies/{{company_id}}/standard_cost_code_lists/{{list_id}}/cost_codes", ct.company_cost_codes),
    r(f"{V0}/line_item_types", ct.list_line_item_types),
    r(f"{V0}/line_item_types/sync", ct.sync_line_item_types, "PATCH"),
    r(f"{V0}/companies/{{company_id}}/cost_types", ct.list_line_item_types),
    r(f"{V0}/sub_jobs", ct.list_sub_jobs),
    r(f"{V0}/sub_jobs/sync", ct.sync_sub_jobs, "PATCH"),
    r(f"{V0}/projects/{{project_id:int}}/wbs_codes", ct.wbs_codes),
    # the budget
    *both("/budget_line_items", ct.list_budget_line_items),
    r(f"{V0}/budget_line_items", ct.post_budget_line_item, "POST"),
    r(f"{V0}/budget_line_items/sync", ct.sync_budget_line_items, "POST"),
    r(f"{V0}/budget_views", ct.budget_views),
    r(f"{V0}/budget_views/{{view_id:int}}/detail_rows", ct.budget_detail_rows),
    r(f"{V0}/budget_views/{{view_id:int}}/budget_detail_columns", ct.budget_detail_columns),
    r(f"{V0}/budget_views/{{view_id:int}}/budget_details", ct.budget_details, "POST"),
    # commitment change orders, the prime contract, invoices, direct costs, payments
    r(f"{V0}/projects/{{project_id:int}}/commitment_change_orders", kt.list_change_orders),
    r(f"{V0}/projects/{{project_id:int}}/commitment_change_orders", kt.post_change_order, "POST"),
    r(f"{V0}/projects/{{project_id:int}}/commitment_change_orders/{{id:int}}", kt.show_change_order),
    r(f"{V0}/projects/{{project_id:int}}/commitment_change_orders/{{id:int}}", kt.patch_change_order, "PATCH"),
    r(f"{V0}/change_order_packages", kt.list_change_orders),
    r(f"{V0}/projects/{{project_id:int}}/change_order_packages", kt.list_change_orders),
    r(f"{V0}/prime_contracts", kt.list_prime_contracts),
    r(f"{V0}/prime_contracts", kt.post_prime_contract, "POST"),
    r(f"{V0}/prime_contract", kt.list_prime_contracts),
    r(f"{V0}/prime_contracts/{{id:int}}", kt.show_prime_contract),
    r(f"{V0}/projects/{{project_id:int}}/prime_contracts", kt.list_prime_contracts),
    r(f"{V0}/projects/{{project_id:int}}/prime_change_orders", kt.list_pccos),
    r(f"{V0}/projects/{{project_id:int}}/prime_change_orders", kt.post_pcco, "POST"),
    r(f"{V0}/projects/{{project_id:int}}/budget_modifications", ct.list_budget_modifications),
    r(f"{V0}/projects/{{project_id:int}}/budget_modifications", ct.post_budget_modification, "POST"),
    *both("/requisitions", kt.list_requisitions),
    r(f"{V0}/requisitions", kt.post_requisition, "POST"),
    *both("/requisitions/{id:int}", kt.show_requisition),
    r(f"{V0}/requisitions/{{id:int}}", kt.patch_requisition, "PATCH"),
    r(f"{V0}/requisitions/{{id:int}}", kt.delete_requisition, "DELETE"),
    r(f"{V0}/requisitions/{{id:int}}/contract_items", kt.requisition_items),
    r(f"{V0}/requisitions/{{id:int}}/change_order_items", kt.requisition_items),
    r(f"{V0}/projects/{{project_id:int}}/requisitions", kt.list_requisitions),
    *both("/projects/{project_id:int}/direct_costs", kt.list_direct_costs),
    *both("/projects/{project_id:int}/direct_costs", kt.post_direct_cost, "POST"),
    *both("/projects/{project_id:int}/direct_costs/{id:int}", kt.show_direct_cost),
    *both("/projects/{project_id:int}/direct_costs/{id:int}", kt.patch_direct_cost, "PATCH"),
    r(f"{V0}/contract_payments", kt.list_payments),
    r(f"{V0}/projects/{{project_id:int}}/contract_payments", kt.list_payments),
    r(f"{V0}/commitment_contracts", kt.list_commitments),
    r(f"{V0}/commitment_contracts/{{id:int}}", kt.show_commitment),
    r(f"{V0}/projects/{{project_id:int}}/commitments", kt.list_commitments),
    r(f"{V0}/projects/{{project_id:int}}/commitments/{{id:int}}", kt.show_commitment),
    *hooks_api.routes(r),
]

for name in kt.KINDS:
    api_routes += [
        r(f"{V0}/{name}", kt.list_commitments),
        r(f"{V0}/{name}", kt.post_commitment, "POST"),
        r(f"{V0}/{name}/sync", kt.sync_commitments, "PATCH"),
        r(f"{V0}/{name}/{{id:int}}", kt.show_commitment),
        r(f"{V0}/{name}/{{id:int}}", kt.patch_commitment, "PATCH"),
        r(f"{V0}/{name}/{{id:int}}", kt.delete_commitment, "DELETE"),
        r(f"{V0}/{name}/{{id:int}}/line_items", kt.list_commitment_lines),
        r(f"{V0}/{name}/{{id:int}}/line_items", kt.post_commitment_line, "POST"),
        r(f"{V0}/{name}/{{id:int}}/line_items/sync", kt.sync_commitment_lines, "PATCH"),
        r(f"{V0}/projects/{{project_id:int}}/{name}", kt.list_commitments),
        r(f"{V0}/projects/{{project_id:int}}/{name}/{{id:int}}", kt.show_commitment),
    ]


async def not_found(scope: Any, receive: Any, send: Any) -> None:
    await answer({"errors": "404 Not Found"}, 404)(scope, receive, send)


routes: list[BaseRoute] = [Mount("/procore", app=Router(routes=api_routes, default=not_found))]
