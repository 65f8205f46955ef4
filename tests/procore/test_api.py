"""Procore's REST conventions and objects under /procore/rest: paging, filters, headers, errors, sync actions,
Procore's own rules and locks, and the ERP Integrations status on reads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.testclient import TestClient

from sync_core import objects as o
from sync_core.procore import Company

REST = "/procore/rest/v1.0"
PEOPLE = "/_erpsim/tenants/demo/procore"


def project(api: TestClient, number: str = "2001", name: str = "Library", **extra: Any) -> dict[str, Any]:
    response = api.post(f"{REST}/projects", json={"project": {"name": name, "project_number": number, **extra}})
    assert response.status_code == 201, response.text
    return dict(response.json())


def vendor(api: TestClient, name: str = "Concrete Co", **extra: Any) -> dict[str, Any]:
    response = api.post(f"{REST}/vendors", json={"vendor": {"name": name, **extra}})
    assert response.status_code == 201, response.text
    return dict(response.json())


# -- conventions ------------------------------------------------------------------------------------------------------


def test_identity_and_companies(api: TestClient, config: dict[str, Any]) -> None:
    companies = api.get(f"{REST}/companies", headers={"Procore-Company-Id": ""})
    assert companies.json()[0]["id"] == config["company_id"] and companies.headers["Total"] == "1"
    assert api.get(f"{REST}/me").json()["name"] == "Demo Construction API"
    for header in ("X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"):
        assert header in companies.headers
    assert companies.headers["content-type"] == "application/json; charset=utf-8"


def test_no_token_no_service(client: TestClient) -> None:
    refused = client.get(f"{REST}/projects")
    assert refused.status_code == 401 and refused.json() == {"errors": "The access token is invalid"}
    assert client.get(f"{REST}/projects", headers={"Authorization": "Bearer forged"}).status_code == 401
    assert client.get("/procore/rest/v9/nothing").status_code == 404


def test_company_header_lenient_by_default_strict_when_set(api: TestClient, configure: Callable[..., None],
                                                           config: dict[str, Any]) -> None:
    assert api.get(f"{REST}/projects", headers={"Procore-Company-Id": "1"}).status_code == 403
    del api.headers["Procore-Company-Id"]
    assert api.get(f"{REST}/projects").status_code == 200
    assert api.get(f"{REST}/projects", headers={"company_id": str(config["company_id"])}).status_code == 200
    configure(company_header="strict")
    missing = api.get(f"{REST}/projects")
    assert missing.status_code == 400 and missing.json() == {"errors": "Missing Procore-Company-Id header!"}
    assert api.get(f"{REST}/me").status_code == 200  # /me and /companies never need it


def test_paging_with_total_per_page_absolute_links_and_empty_past_the_end(api: TestClient) -> None:
    for n in range(5):
        project(api, number=f"30{n}", name=f"Job {n}")
    first = api.get(f"{REST}/projects", params={"per_page": 2, "filters[by_status]": "All"})
    assert [p["name"] for p in first.json()] == ["Job 0", "Job 1"]
    assert first.headers["Total"] == "5" and first.headers["Per-Page"] == "2"
    links = first.headers["Link"]
    assert 'rel="next"' in links and 'rel="last"' in links and 'rel="first"' not in links
    assert "<http://testserver/procore/rest/v1.0/projects?" in links and "filters%5Bby_status%5D=All" in links
    third = api.get(f"{REST}/projects", params={"per_page": 2, "page": 3})
    assert [p["name"] for p in third.json()] == ["Job 4"]
    assert 'rel="prev"' in third.headers["Link"] and 'rel="next"' not in third.headers["Link"]
    past = api.get(f"{REST}/projects", params={"per_page": 2, "page": 9})
    assert past.status_code == 200 and past.json() == []
    assert api.get(f"{REST}/projects", params={"page": 0}).status_code == 400


def test_filters_scalar_array_and_unknown(api: TestClient) -> None:
    a = project(api, number="401", name="Alpha", origin_id="J-401")
    b = project(api, number="402", name="Beta")
    assert [p["id"] for p in api.get(f"{REST}/projects", params={"filters[origin_id]": "J-401"}).json()] == [a["id"]]
    both = api.get(f"{REST}/projects", params=[("filters[id][]", str(a["id"])), ("filters[id][]", str(b["id"]))])
    assert len(both.json()) == 2
    assert api.get(f"{REST}/projects", params={"filters[colour]": "red"}).status_code == 400


def test_rate_limit_headers_and_429(api: TestClient, configure: Callable[..., None]) -> None:
    configure(rate_limit_hourly=3)
    remaining = [int(api.get(f"{REST}/me").headers["X-Rate-Limit-Remaining"]) for _ in range(3)]
    assert remaining == [2, 1, 0]
    over = api.get(f"{REST}/me")
    assert over.status_code == 429 and int(over.headers["Retry-After"]) >= 1


def test_error_shape_is_a_setting(api: TestClient, configure: Callable[..., None]) -> None:
    configure(error_shape="message")
    refused = api.post(f"{REST}/projects", json={"project": {}})
    assert refused.status_code == 422 and "message" in refused.json() and "errors" in refused.json()
    assert api.post(f"{REST}/projects", json={"name": "unwrapped"}).status_code == 400
    assert api.post(f"{REST}/projects", content=b"{nope", headers={"content-type": "application/json"}
                    ).status_code == 400


# -- projects, vendors, origin ids, sync ---------------------------------------------------------------------------------


def test_projects_create_update_show_and_origin_ids_are_unique(api: TestClient) -> None:
    made = project(api, origin_id="J-1", origin_data="from the ERP")
    assert made["erp_status"] == "synced" and made["origin_id"] == "J-1"  # an origin id links it
    shown = api.get(f"{REST}/projects/{made['id']}").json()
    assert shown["accounting_project_number"] == "J-1"
    changed = api.patch(f"{REST}/projects/{made['id']}", json={"project": {"city": "Austin"}}).json()
    assert changed["city"] == "Austin"
    clash = api.post(f"{REST}/projects", json={"project": {"name": "Other", "origin_id": "J-1"}})
    assert clash.status_code == 409 and "origin_id" in clash.json()["errors"]
    assert api.get(f"{REST}/projects/999999").status_code == 404


def test_sync_action_creates_updates_and_reports_errors(api: TestClient, config: dict[str, Any]) -> None:
    made = project(api, number="501", name="Existing", origin_id="J-501")
    body = {"company_id": config["company_id"], "updates": [
        {"origin_id": "J-502", "name": "Created by origin"},
        {"origin_id": "J-501", "name": "Updated by origin"},
        {"id": made["id"], "origin_id": "J-501b", "city": "Dallas"},
        {"id": 999999, "name": "Ghost"},
        {"name": ""},
    ]}
    synced = api.patch(f"{REST}/projects/sync", json=body)
    assert synced.status_code == 200
    entities, errors = synced.json()["entities"], synced.json()["errors"]
    assert [e["name"] for e in entities] == ["Created by origin", "Updated by origin", "Updated by origin"]
    assert entities[2]["origin_id"] == "J-501b" and entities[2]["city"] == "Dallas"
    assert errors[0]["errors"] == {"id": ["Entity with this ID not found"]} and errors[0]["name"] == "Ghost"
    assert len(errors) == 2
    too_many = api.patch(f"{REST}/projects/sync", json={"updates": [{"name": "x"}] * 1001})
    assert too_many.status_code == 422


def test_vendors_and_their_sync(api: TestClient, config: dict[str, Any]) -> None:
    made = vendor(api, state_code="TX")
    assert made["state_code"] == "TX" and made["erp_status"] == "not_in_erp"
    synced = api.patch(f"{REST}/vendors/sync", json={"company_id": config["company_id"], "updates": [
        {"origin_id": "V900", "name": "Steel Ltd"}, {"id": made["id"], "is_active": False}]}).json()
    assert [v["name"] for v in synced["entities"]] == ["Steel Ltd", "Concrete Co"]
    assert synced["entities"][1]["is_active"] is False
    listed = api.get(f"{REST}/vendors", params={"company_id": config["company_id"]}).json()
    assert len(listed) == 2
    assert api.get(f"{REST}/vendors/{made['id']}").json()["name"] == "Concrete Co"


# -- cost codes, budget ---------------------------------------------------------------------------------------------------


def test_project_cost_codes_come_from_the_standard_list(api: TestClient, demo: Company) -> None:
    job = project(api)
    refused = api.post(f"{REST}/cost_codes", json={"project_id": job["id"], "cost_code": {"code": "99-999"}})
    assert refused.status_code == 422 and "ERP Standard Cost Code list" in refused.json()["errors"]["base"][0]
    added = api.post(f"{REST}/cost_codes", json={"project_id": job["id"], "cost_code": {"code": "03-300"}})
    assert added.status_code == 201 and added.json()["name"] == "Cast-in-Place Concrete"
    listed = api.get(f"{REST}/cost_codes", params={"project_id": job["id"]}).json()
    assert [c["code"] for c in listed] == ["03-300"]
    standard = api.get(f"{REST}/standard_cost_codes", params={"company_id": 1}).json()
    assert len(standard) == len(demo.cost_codes.all())
    types = api.get(f"{REST}/line_item_types").json()
    assert {"Labor", "Material"} <= {t["code"] for t in types}
    refused = api.patch(f"{REST}/line_item_types/sync", json={"updates": [{"code": "X", "name": "Extra"}]}).json()
    assert refused["entities"] == [] and "Intacct" in refused["errors"][0]["errors"]["base"][0]


def test_budget_line_items_views_and_the_lock(api: TestClient, demo: Company) -> None:
    job = project(api)
    code = api.post(f"{REST}/cost_codes", json={"project_id": job["id"], "cost_code": {"code": "03-300"}}).json()
    labor = next(t for t in api.get(f"{REST}/line_item_types").json() if t["code"] == "Labor")
    line = api.post(f"{REST}/budget_line_items", json={"project_id": job["id"], "budget_line_item": {
        "cost_code_id": code["id"], "line_item_type_id": labor["id"], "original_budget_amount": "1500"}})
    assert line.status_code == 201 and line.json()["original_budget_amount"] == "1500.00"
    views = api.get(f"{REST}/budget_views", params={"project_id": job["id"]}).json()
    rows = api.get(f"{REST}/budget_views/{views[0]['id']}/detail_rows", params={"project_id": job["id"]}).json()
    assert rows[0]["budget_code"] == "03-300.Labor" and rows[0]["original_budget_amount"] == "1500.00"
    demo.projects.get(job["id"]).budget.lock()
    locked = api.post(f"{REST}/budget_line_items", json={"project_id": job["id"], "budget_line_item": {
        "cost_code": "03-300", "line_item_type": "Labor", "original_budget_amount": "1"}})
    assert locked.status_code == 422


# -- commitments and Procore's locks --------------------------------------------------------------------------------------


def subcontract(api: TestClient, job: dict[str, Any], company: dict[str, Any], **extra: Any) -> dict[str, Any]:
    response = api.post(f"{REST}/work_order_contracts", json={"project_id": job["id"], "work_order_contract": {
        "title": "Concrete", "vendor_id": company["id"], "retainage_percent": "10",
        "line_items": [{"cost_code": "03-300", "line_item_type": "Subcontract", "amount": "50000",
                        "description": "Foundations"}], **extra}})
    assert response.status_code == 201, response.text
    return dict(response.json())


def test_commitments_with_their_sov_and_the_approved_lock(api: TestClient) -> None:
    job, co = project(api), vendor(api)
    other = vendor(api, name="Other Co")
    made = subcontract(api, job, co)
    assert made["grand_total"] == "50000.00" and made["number"] == "SC-001" and made["erp_status"] == "not_in_erp"
    assert api.get(f"{REST}/purchase_order_contracts/{made['id']}").status_code == 404
    listed = api.get(f"{REST}/projects/{job['id']}/work_order_contracts").json()
    assert [c["id"] for c in listed] == [made["id"]]
    approved = api.patch(f"{REST}/work_order_contracts/{made['id']}",
                         json={"work_order_contract": {"status": "Approved"}})
    assert approved.json()["status"] == "Approved"
    swap = api.patch(f"{REST}/work_order_contracts/{made['id']}",
                     json={"work_order_contract": {"vendor_id": other["id"]}})
    assert swap.status_code == 422 and "contract company" in swap.json()["errors"]["vendor_id"][0]
    more = api.post(f"{REST}/work_order_contracts/{made['id']}/line_items", json={"line_item": {
        "cost_code": "03-300", "line_item_type": "Labor", "amount": "10"}})
    assert more.status_code == 422 and "schedule of values is locked" in more.json()["errors"]["base"][0]
    assert api.delete(f"{REST}/work_order_contracts/{made['id']}").status_code == 422
    bad_status = api.patch(f"{REST}/work_order_contracts/{made['id']}", json={"work_order_contract": {
        "status": "Received"}})
    assert bad_status.status_code == 422


def test_a_draft_commitment_can_be_deleted_and_purchase_orders_have_their_own_statuses(api: TestClient) -> None:
    job, co = project(api), vendor(api)
    po = api.post(f"{REST}/purchase_order_contracts", json={"project_id": job["id"], "purchase_order_contract": {
        "title": "Rebar", "vendor_id": co["id"], "status": "Processing"}})
    assert po.status_code == 201 and po.json()["number"] == "PO-001"
    assert api.delete(f"{REST}/purchase_order_contracts/{po.json()['id']}").status_code == 204
    assert api.get(f"{REST}/purchase_order_contracts", params={"project_id": job["id"]}).json() == []


def test_a_synced_commitment_is_locked_and_reads_its_erp_status(api: TestClient, demo: Company) -> None:
    job, co = project(api), vendor(api)
    made = subcontract(api, job, co, status="Approved")
    pm, approver = "pm@demo.example.com", "approver@demo.example.com"
    for kind, item, fields in (("projects", job["id"], {"erp_job_id": "2001"}),
                               ("vendors", co["id"], {"erp_vendor_id": "V2001"}),
                               ("work_order_contracts", made["id"], {})):
        assert api.post(f"{PEOPLE}/items/{kind}/{item}/send", json={"user": pm}).status_code == 200
        accepted = api.post(f"{PEOPLE}/items/{kind}/{item}/accept", json={"user": approver, "fields": fields})
        assert accepted.json()["ok"], accepted.text
    shown = api.get(f"{REST}/work_order_contracts/{made['id']}").json()
    assert shown["erp_status"] == "synced" and shown["origin_id"]
    locked = api.patch(f"{REST}/work_order_contracts/{made['id']}", json={"work_order_contract": {"title": "New"}})
    assert locked.status_code == 422 and "synced with ERP" in locked.json()["errors"]["base"][0]


def test_commitment_sync_and_line_item_sync(api: TestClient) -> None:
    job, co = project(api), vendor(api)
    synced = api.patch(f"{REST}/work_order_contracts/sync", json={"project_id": job["id"], "updates": [
        {"origin_id": "SC-9", "title": "Steel", "vendor_id": co["id"], "number": "SC-9", "line_items": [
            {"cost_code": "03-300", "line_item_type": "Subcontract", "amount": "100"}]}]}).json()
    assert synced["errors"] == [] and synced["entities"][0]["origin_id"] == "SC-9"
    made = synced["entities"][0]
    assert made["erp_status"] == "synced" and made["grand_total"] == "100.00"
    refused = api.patch(f"{REST}/work_order_contracts/{made['id']}/line_items/sync", json={"updates": [
        {"cost_code": "03-300", "line_item_type": "Subcontract", "amount": "5"}]}).json()
    assert refused["entities"] == [] and "change orders" in refused["errors"][0]["errors"]["base"][0]
    draft = subcontract(api, job, co)
    lines = api.patch(f"{REST}/work_order_contracts/{draft['id']}/line_items/sync", json={"updates": [
        {"cost_code": "03-300", "line_item_type": "Labor", "amount": "100", "origin_id": "L1"}]}).json()
    assert lines["entities"][0]["origin_id"] == "L1"


# -- change orders, prime contract, invoices, direct costs, payments -------------------------------------------------------


def test_change_orders_and_the_prime_contract(api: TestClient) -> None:
    job, co = project(api), vendor(api)
    made = subcontract(api, job, co, status="Approved")
    cco = api.post(f"{REST}/projects/{job['id']}/commitment_change_orders", json={"commitment_change_order": {
        "contract_id": made["id"], "title": "Extra pour", "line_items": [
            {"amount": "2500", "commitment_line_item_id": made["line_items"][0]["id"]}]}})
    assert cco.status_code == 201, cco.text
    assert cco.json()["grand_total"] == "2500.00" and cco.json()["erp_status"] == "not_in_erp"
    listed = api.get(f"{REST}/projects/{job['id']}/commitment_change_orders").json()
    assert [c["id"] for c in listed] == [cco.json()["id"]]
    prime = api.post(f"{REST}/prime_contracts", json={"project_id": job["id"], "prime_contract": {
        "title": "Owner contract", "line_items": [{"description": "Building", "amount": "900000"}]}})
    assert prime.status_code == 201 and prime.json()["grand_total"] == "900000.00"
    assert api.get(f"{REST}/prime_contract", params={"project_id": job["id"]}).json()["id"] == prime.json()["id"]
    assert api.get(f"{REST}/projects/{job['id']}/prime_change_orders").json() == []


def test_requisitions_with_retainage_g702_and_only_the_latest_open_editable(api: TestClient) -> None:
    job, co = project(api), vendor(api)
    made = subcontract(api, job, co, status="Approved")
    sov = made["line_items"][0]["id"]

    def invoice(number: str, work: str) -> dict[str, Any]:
        response = api.post(f"{REST}/requisitions", json={"project_id": job["id"], "commitment_id": made["id"],
                                                          "requisition": {"invoice_number": number, "contract_items": [
                                                              {"commitment_line_item_id": sov,
                                                               "work_completed_this_period": work}]}})
        assert response.status_code == 201, response.text
        return dict(response.json())

    first = invoice("1", "10000")
    assert first["summary"]["total_retainage"] == "1000.00" and first["summary"]["current_payment_due"] == "9000.00"
    items = api.get(f"{REST}/requisitions/{first['id']}/contract_items").json()
    assert items[0]["work_completed_retainage_retained_this_period"] == "1000.00"
    second = invoice("2", "5000")
    assert second["summary"]["less_previous_certificates_for_payment"] == "9000.00"
    stale = api.patch(f"{REST}/requisitions/{first['id']}", json={"requisition": {"status": "approved"}})
    assert stale.status_code == 422 and "latest open invoice" in stale.json()["errors"]["base"][0]
    assert api.patch(f"{REST}/requisitions/{second['id']}", json={"requisition": {"status": "approved"}}
                     ).json()["status"] == "approved"
    linked = api.patch(f"{REST}/requisitions/{second['id']}", json={"requisition": {"origin_id": "BILL-2"}})
    assert linked.json()["erp_status"] == "synced"
    frozen = api.patch(f"{REST}/requisitions/{second['id']}", json={"requisition": {"description": "x"}})
    assert frozen.status_code == 422 and "not editable because it has been synced with ERP" in \
        frozen.json()["errors"]["base"][0]
    draft = api.post(f"{REST}/requisitions", json={"project_id": job["id"], "commitment_id": made["id"] + 999,
                                                   "requisition": {}})
    assert draft.status_code == 404


def test_direct_costs_multipart_and_json_and_locked_with_an_origin_id(api: TestClient) -> None:
    job, co = project(api), vendor(api)
    created = api.post(f"/procore/rest/v1.1/projects/{job['id']}/direct_costs",
                       data={"direct_cost[direct_cost_type]": "invoice", "direct_cost[invoice_number]": "INV-7",
                             "direct_cost[vendor_id]": str(co["id"]), "direct_cost[direct_cost_date]": "2026-03-01"},
                       files=[("attachments[]", ("receipt.txt", b"paid", "text/plain"))])
    assert created.status_code == 201, created.text
    cost = created.json()
    assert cost["vendor_name"] == "Concrete Co" and cost["attachments"][0]["filename"] == "receipt.txt"
    patched = api.patch(f"/procore/rest/v1.1/projects/{job['id']}/direct_costs/{cost['id']}",
                        json={"direct_cost": {"line_items": [{"amount": "40.00", "description": "nails"}]}})
    assert patched.json()["line_items"] == [{"amount": "40.00", "description": "nails"}]
    api.patch(f"{REST}/projects/{job['id']}/direct_costs/{cost['id']}", json={"direct_cost": {"origin_id": "AP-1"}})
    frozen = api.patch(f"{REST}/projects/{job['id']}/direct_costs/{cost['id']}",
                       json={"direct_cost": {"description": "edited"}})
    assert frozen.status_code == 422
    assert len(api.get(f"{REST}/projects/{job['id']}/direct_costs").json()) == 1


def test_payments_read_what_the_erp_paid(api: TestClient, demo: Company) -> None:
    job, co = project(api), vendor(api)
    made = subcontract(api, job, co, status="Approved")
    commitment = demo.projects.get(job["id"]).commitments.get(made["id"])
    invoice = commitment.invoices.create(invoice_number="1", billing_date="2026-03-01")
    commitment.payments._insert({"invoice": invoice.id, "amount": "900.00", "date": "2026-03-15",
                                 "check_number": "1001", "origin_id": "PAY-1"})
    paid = api.get(f"{REST}/contract_payments", params={"project_id": job["id"], "contract_id": made["id"]}).json()
    assert paid[0]["amount"] == "900.00" and paid[0]["requisition_id"] == invoice.id
    assert isinstance(commitment.payments.all()[0], o.CommitmentPayment)


# -- the journal and faults see Procore like the ERP rooms ------------------------------------------------------------------


def test_the_journal_names_procore_operations_and_faults_answer_in_procores_shape(api: TestClient) -> None:
    api.post(f"{REST}/projects", json={"project": {"name": "Library"}})
    api.get(f"{REST}/projects", params={"per_page": 1})
    entries = api.get("/_erpsim/tenants/demo/journal").json()["entries"]
    operations = [op for e in entries if e["erp"] == "procore" for op in e["operations"]]
    assert {"name": "create", "object": "projects"} in operations and {"name": "list", "object": "projects"} in \
        operations
    rule = api.post("/_erpsim/tenants/demo/faults", json={"erp": "procore", "fault": {
        "kind": "error", "error": "rate_limit", "retry_after": 7}, "first": 1})
    assert rule.status_code in (200, 201), rule.text
    limited = api.get(f"{REST}/projects")
    assert limited.status_code == 429 and limited.headers["retry-after"] == "7"
    assert limited.json() == {"errors": "Rate limit exceeded"}
    assert api.get(f"{REST}/projects").status_code == 200


def test_budget_modifications_pccos_and_cco_status(api: TestClient, demo: Company) -> None:
    job = project(api)
    budget = demo.projects.get(job["id"]).budget
    a = budget.add_line("03-300", "Labor", "1000")
    b = budget.add_line("03-300", "Material", "500")
    moved = api.post(f"{REST}/projects/{job['id']}/budget_modifications", json={"budget_modification": {
        "from_budget_line_item_id": a.id, "to_budget_line_item_id": b.id, "transfer_amount": "200"}})
    assert moved.status_code == 201, moved.text
    assert moved.json()["transfer_amount"] == "200.00" and moved.json()["erp_status"] == "not_in_erp"
    same = api.post(f"{REST}/projects/{job['id']}/budget_modifications", json={"budget_modification": {
        "from_budget_line_item_id": a.id, "to_budget_line_item_id": a.id, "transfer_amount": "1"}})
    assert same.status_code == 422
    assert len(api.get(f"{REST}/projects/{job['id']}/budget_modifications").json()) == 1
    prime = api.post(f"{REST}/prime_contracts", json={"project_id": job["id"], "prime_contract": {
        "title": "Owner"}}).json()
    pcco = api.post(f"{REST}/projects/{job['id']}/prime_change_orders", json={"prime_change_order": {
        "contract_id": prime["id"], "title": "Owner extra", "line_items": [
            {"cost_code": "03-300", "line_item_type": "Labor", "amount": "300"}]}})
    assert pcco.status_code == 201 and pcco.json()["grand_total"] == "300.00"
    co, sc = vendor(api), None
    sc = subcontract(api, job, co, status="Approved")
    cco = api.post(f"{REST}/projects/{job['id']}/commitment_change_orders", json={"commitment_change_order": {
        "contract_id": sc["id"], "line_items": [{"amount": "10", "commitment_line_item_id":
                                                 sc["line_items"][0]["id"]}]}}).json()
    approved = api.patch(f"{REST}/projects/{job['id']}/commitment_change_orders/{cco['id']}",
                         json={"commitment_change_order": {"status": "Approved"}})
    assert approved.json()["status"] == "Approved"
    assert api.get(f"{REST}/work_order_contracts/{sc['id']}").json()["approved_change_orders"] == "10.00"


def test_the_budget_is_locked_by_someone_with_admin_on_the_budget_tool(api: TestClient, demo: Company) -> None:
    job = project(api)
    budget = demo.projects.get(job["id"]).budget
    budget.add_line("03-300", "Labor", "1000")
    refused = api.post(f"{PEOPLE}/items/budgets/{budget.id}/lock", json={"user": "approver@demo.example.com"})
    assert refused.status_code == 403 and "'Admin' on the budget tool" in refused.json()["error"]["message"]
    locked = api.post(f"{PEOPLE}/items/budgets/{budget.id}/lock", json={"user": "pm@demo.example.com"})
    assert locked.status_code == 200 and budget.refresh().locked
    assert api.post(f"{PEOPLE}/items/projects/{job['id']}/lock", json={"user": "pm@demo.example.com"}
                    ).status_code == 400
