"""Jobs, phases, cost codes, cost types, vendors and budgets: their rules and the seeded demo books."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from simulator.datasets import load
from simulator.sage100.seed import cost_code, cost_type_numbers

from .helpers import Api, configure, refused

# -- seeding ------------------------------------------------------------------------


def test_demo_company_is_seeded_in_sage_terms(api: Api) -> None:
    dataset = load("demo")
    jobs = api.list("actrec")["records"]
    assert [j["recnum"] for j in jobs] == [int(p["id"]) for p in dataset.projects]
    assert {j["status"] for j in jobs} == {4} and all(j["dptmnt"] == 1 for j in jobs)
    codes = {c["recnum"]: c for c in api.list("cstcde", limit=1000)["records"]}
    assert len(codes) == len(dataset.cost_codes)
    assert codes[3.1]["cdenme"] == "Concrete Forming" and codes[3.1]["divnum"] == 3
    assert min(codes) >= 1  # no code begins with zero
    types = api.list("csttyp")["records"]
    assert [(t["recnum"], t["typnme"]) for t in types][:5] == [
        (1, "Material"), (2, "Labor"), (3, "Equipment"), (4, "Subcontract"), (5, "Other")]
    assert len(types) == 9
    vendors = {v["recnum"]: v for v in api.list("actpay", limit=100)["records"]}
    assert len(vendors) == len(dataset.vendors)
    assert vendors[100]["vndnme"] == dataset.vendors[0]["name"] and vendors[100]["duedte"] == "30DY"
    assert vendors[123]["inactv"] is True  # the dataset's one inactive vendor
    budget = api.list("bdglin", recnum=1001, limit=100)["records"]
    tasks = [t for t in dataset.project_tasks if t["project_id"] == "1001"]
    assert len(budget) == len(tasks)
    total = sum(line["ttlbdg"] for line in budget)
    assert round(total, 2) == 1500000 * 0.8  # 80% of the contract, to the cent
    assert all(line["ttlorg"] == line["ttlbdg"] for line in budget)


@pytest.mark.parametrize(("code", "number"), [("03-100", "3.100"), ("01-500", "1.500"), ("31-200", "31.200"),
                                              ("2010.000", "2010.000"), ("9-5", "9.500"), ("26/1", "26.100")])
def test_sectioned_cost_codes_map_to_sage_numbers(code: str, number: str) -> None:
    assert str(cost_code(code)) == number


@pytest.mark.parametrize("code", ["00-100", "abc", "3-1000", "0.5"])
def test_unmappable_cost_codes_are_refused(code: str) -> None:
    with pytest.raises(ValueError, match="cost code"):
        cost_code(code)


def test_extra_dataset_cost_types_take_six_to_nine() -> None:
    from simulator.datasets import Dataset

    doc = {"cost_types": {str(i): {"id": n, "name": n} for i, n in enumerate(
        ["Labor", "Material", "Permits", "Rentals", "Subcontract"], start=1)}}
    assert cost_type_numbers(Dataset(doc)) == {"Labor": 2, "Material": 1, "Permits": 6, "Rentals": 7,
                                               "Subcontract": 4}


def test_seeding_again_adds_only_what_is_missing(sage_app: Starlette, api: Api) -> None:
    before = api.count("cstcde"), api.count("bdglin"), api.count("actpay")
    sage_app.state.tenants.seed("demo", "demo")
    assert (api.count("cstcde"), api.count("bdglin"), api.count("actpay")) == before


# -- jobs ----------------------------------------------------------------------------


def test_job_insert_modify_retrieve_delete(api: Api) -> None:
    job = api.add("actrec", {"recnum": 2019001, "jobnme": "Harbor Clinic", "status": 1, "cntrct": 250000.5})
    assert job["status"] == 1 and job["cntrct"] == 250000.5 and job["insusr"] == "api"
    for status in (2, 3, 4, 5, 6, 1):  # the job status list is fixed; any status may follow any other
        assert api.modify("actrec", 2019001, {"status": status})["record"]["status"] == status
    assert api.get("actrec", 2019001)["jobnme"] == "Harbor Clinic"
    assert api.delete("actrec", 2019001)["deleted"]["recnum"] == 2019001
    api.get("actrec", 2019001, status=404)


def test_job_numbers_are_unique(api: Api) -> None:
    err = refused(api.insert("actrec", {"recnum": 1001, "jobnme": "again"}, status=409), "recnum_unique")
    assert err["code"] == "DuplicateRecord"


def test_job_number_length_follows_the_company_setting(sage_app: Starlette, api: Api) -> None:
    configure(sage_app, job_number_max_digits=6)
    refused(api.insert("actrec", {"recnum": 2019001, "jobnme": "Too long"}, status=409), "job_number_digits")
    api.add("actrec", {"recnum": 201901, "jobnme": "Fits"})


def test_a_job_in_use_cannot_be_removed(api: Api) -> None:
    err = refused(api.delete("actrec", 1001, status=409), "job_in_use", table="actrec")
    assert "bdglin" in err["message"]
    api.add("actrec", {"recnum": 3001, "jobnme": "Empty"})
    api.add("jobphs", {"recnum": 3001, "phsnum": 1, "phsnme": "Phase 1"})
    refused(api.delete("actrec", 3001, status=409), "job_in_use")


def test_set_budget_copies_current_to_original(api: Api) -> None:
    line = api.list("bdglin", recnum=1002, limit=1)["records"][0]
    api.modify("bdglin", line["_idnum"], {"labbdg": 777.77, "hrsbdg": 12})
    assert api.get("bdglin", line["_idnum"])["laborg"] != 777.77
    api.action("actrec", 1002, "setbdgt")
    after = api.get("bdglin", line["_idnum"])
    assert after["laborg"] == 777.77 and after["hrsorg"] == 12 and after["ttlorg"] == after["ttlbdg"]
    api.action("actrec", 999999, "setbdgt", status=404)


# -- phases ---------------------------------------------------------------------------


def test_phases_belong_to_their_job(api: Api) -> None:
    phase = api.add("jobphs", {"recnum": 1001, "phsnum": 1, "phsnme": "Sitework"})
    assert api.list("jobphs", recnum=1001)["records"][0]["phsnme"] == "Sitework"
    refused(api.insert("jobphs", {"recnum": 1001, "phsnum": 1, "phsnme": "dup"}, status=409), "phsnum_unique")
    refused(api.insert("jobphs", {"recnum": 4040, "phsnum": 1, "phsnme": "x"}, status=409), "job_exists")
    refused(api.insert("jobphs", {"recnum": 1001, "phsnum": 0, "phsnme": "none"}, status=400), "minimum",
            field="phsnum")
    # Phase 1 of job 1001 is not a phase of job 1002.
    refused(api.insert("bdglin", {"recnum": 1002, "phsnum": 1, "cstcde": 3.1}, status=409),
            "phase_belongs_to_job", field="phsnum")
    api.add("bdglin", {"recnum": 1001, "phsnum": 1, "cstcde": 3.1, "matbdg": 10})
    refused(api.delete("jobphs", phase["_idnum"], status=409), "phase_in_use")
    assert api.modify("jobphs", phase["_idnum"], {"phsnme": "Site work"})["record"]["phsnme"] == "Site work"


def test_an_unused_phase_can_be_removed(api: Api) -> None:
    phase = api.add("jobphs", {"recnum": 1002, "phsnum": 7, "phsnme": "Punch list"})
    api.delete("jobphs", phase["_idnum"])
    assert api.list("jobphs", recnum=1002)["count"] == 0


# -- cost codes and cost types ---------------------------------------------------------


def test_cost_codes_are_company_wide_numbers(api: Api) -> None:
    code = api.add("cstcde", {"recnum": 2010, "cdenme": "Site clearing", "divnum": 2, "untdsc": "acre"})
    assert code["recnum"] == 2010
    assert api.get("cstcde", "2010.000")["cdenme"] == "Site clearing"
    refused(api.insert("cstcde", {"recnum": 2010.0, "cdenme": "again", "divnum": 2}, status=409), "recnum_unique")
    refused(api.insert("cstcde", {"recnum": 2011, "cdenme": "no division"}, status=400), "required", field="divnum")
    api.modify("cstcde", 2010, {"inactv": True})
    assert api.list("cstcde", inactv="true")["records"][0]["recnum"] == 2010
    api.delete("cstcde", 2010)
    refused(api.delete("cstcde", 3.3, status=409), "cost_code_in_use")  # budgeted on job 1001


def test_budget_and_costs_need_existing_cost_codes_and_types(api: Api) -> None:
    refused(api.insert("bdglin", {"recnum": 1001, "cstcde": 77.7}, status=409), "cost_code_exists", field="cstcde")
    body = {"jobnum": 1001, "cstcde": 3.1, "csttyp": 1, "trnnum": "T1", "trndte": "2026-03-01", "dscrpt": "x"}
    refused(api.insert("jobcst", {**body, "cstcde": 77.7}, status=409), "cost_code_exists")
    refused(api.insert("jobcst", {**body, "csttyp": 10}, status=400), "enum", field="csttyp")


def test_exactly_nine_cost_types(api: Api) -> None:
    response = api.call("POST", "/records/csttyp", json={"recnum": 10, "typnme": "Ten"})
    assert response.status_code == 405 and response.headers["allow"] == "GET"
    assert api.call("DELETE", "/records/csttyp/6").status_code == 405
    refused(api.modify("csttyp", 2, {"typnme": "Wages"}, status=409), "fixed_cost_type", field="typnme")
    assert api.modify("csttyp", 2, {"typnme": "Labor"})["record"]["typnme"] == "Labor"  # unchanged is fine
    assert api.modify("csttyp", 6, {"typnme": "Permits"})["record"]["typnme"] == "Permits"
    assert api.get("csttyp", 6)["typnme"] == "Permits"


# -- vendors ----------------------------------------------------------------------------


def test_vendor_rules(api: Api) -> None:
    vendor = api.add("actpay", {"recnum": 500, "vndnme": "Acme Drywall", "duedte": "15TH", "cdedft": 9.2,
                                "typdft": 4, "pomesg": 2})
    assert vendor["pomesg"] == 2 and vendor["dupchk"] is True
    refused(api.insert("actpay", {"recnum": 500, "vndnme": "dup"}, status=409), "recnum_unique")
    refused(api.insert("actpay", {"recnum": 501, "vndnme": "x", "cdedft": 88.8}, status=409), "cost_code_exists",
            field="cdedft")
    refused(api.modify("actpay", 500, {"cdedft": 88.8}, status=409), "cost_code_exists")
    refused(api.insert("actpay", {"recnum": 502, "vndnme": "x", "duedte": "30DAYS"}, status=400), "max_length")
    refused(api.insert("actpay", {"recnum": 502, "vndnme": "x", "duedte": "3DY"}, status=400), "format")
    refused(api.insert("actpay", {"recnum": 502, "vndnme": "x" * 76}, status=400), "max_length", field="vndnme")
    api.delete("actpay", 500)


def test_a_vendor_in_use_cannot_be_removed(api: Api) -> None:
    api.add("subcon", {"ctcnum": "SC-1", "vndnum": 102, "jobnum": 1001})
    refused(api.delete("actpay", 102, status=409), "vendor_in_use")


def test_subcontracts_need_an_existing_vendor(api: Api) -> None:
    refused(api.insert("subcon", {"ctcnum": "SC-1", "vndnum": 4242, "jobnum": 1001}, status=409), "vendor_exists",
            field="vndnum", table="subcon")


def test_inactive_vendors_follow_the_company_setting(sage_app: Starlette, api: Api) -> None:
    api.add("subcon", {"ctcnum": "SC-1", "vndnum": 123, "jobnum": 1001})  # allowed by default
    configure(sage_app, refuse_inactive_vendor=True)
    refused(api.insert("subcon", {"ctcnum": "SC-2", "vndnum": 123, "jobnum": 1001}, status=409), "vendor_active")


# -- budgets ------------------------------------------------------------------------------


def test_budget_lines_keep_their_totals(api: Api) -> None:
    line = api.add("bdglin", {"recnum": 1003, "phsnum": 0, "cstcde": 2.4, "matbdg": 100, "labbdg": 50.25,
                              "usrcs9": 10, "cs9org": 10})
    assert line["ttlbdg"] == 160.25 and line["ttlorg"] == 10 and line["subbdg"] == 0
    refused(api.insert("bdglin", {"recnum": 1003, "cstcde": 2.4}, status=409), "cstcde_unique")
    updated = api.modify("bdglin", line["_idnum"], {"matbdg": None, "eqpbdg": 5})["record"]
    assert updated["matbdg"] == 0 and updated["ttlbdg"] == 65.25
    refused(api.modify("bdglin", line["_idnum"], {"cstcde": 2.8}, status=400), "read_only", field="cstcde")
    refused(api.modify("bdglin", line["_idnum"], {"ttlbdg": 1}, status=400), "read_only", field="ttlbdg")
    assert api.list("bdglin", recnum=1003, cstcde=2.4)["count"] == 1
    api.delete("bdglin", line["_idnum"])
    assert api.list("bdglin", recnum=1003, cstcde=2.4)["count"] == 0
