"""General journal, payroll and receivables, the columns reference A2 lists, and the line-number bound.

Sources: reference sage100-procore.md A2.1 (actrec pstwip), A2.3 (cstcde maxwge, cmpcd2, ntetxt), A2.7
(prmchg pchord), A2.8 (subcon pmtbnd, prfbnd, orgstr, orgfin, subcmp, taxttl, ntetxt; sbcnln usrdf1,
ntetxt, linref), A2.10 (acpinv hldamt, setpay, lgrrec, vodrec; apivln hldamt), A2.11 (jobcst payrec,
wrkord; general journal lgrtrn/lgtnln; payroll payrec/tmcdln; receivables acrinv/arivln), A1.2 (lines
carry linnum), and PC-ttk100 via A2.11: Procore imports job costs from 1-3 Journal, 4-2 Payable Invoices
and 5-2 Payroll.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from simulator.sage100.tables import MAX_NUMBER, TABLES

from .helpers import Api, error, refused

JOB, CODE = 1003, 2.4


@pytest.fixture(autouse=True)
def budget(api: Api) -> None:
    """Room in job 1003's budget for cost code 2.4, so the over-budget warnings stay out of the way."""
    api.add("bdglin", {"recnum": JOB, "cstcde": CODE, "matbdg": 100000, "labbdg": 100000, "eqpbdg": 100000,
                       "subbdg": 100000})


def costs(api: Api, **filters: Any) -> list[dict[str, Any]]:
    return list(api.list("jobcst", jobnum=JOB, limit=1000, **filters)["records"])


def test_reference_columns_exist_and_round_trip(api: Api) -> None:
    assert api.modify("actrec", JOB, {"pstwip": True})["record"]["pstwip"] is True
    code = api.add("cstcde", {"recnum": 9100, "cdenme": "Small tools", "divnum": 9, "maxwge": 150000,
                              "cmpcd2": 5403, "ntetxt": "Capped at the comp limit"})
    assert (code["maxwge"], code["cmpcd2"], code["ntetxt"]) == (150000, 5403, "Capped at the comp limit")
    co = api.add("prmchg", {"jobnum": JOB, "dscrpt": "Added scope", "pchord": "OWNER-PO-7"})
    assert co["pchord"] == "OWNER-PO-7"
    sub = api.add("subcon", {"ctcnum": "SC-9", "vndnum": 102, "jobnum": JOB, "pmtbnd": True, "prfbnd": True,
                             "orgstr": "2026-03-01", "orgfin": "2026-06-30", "subcmp": "2026-06-15",
                             "taxttl": 12.5, "ntetxt": "Bonded",
                             "sbcnln": [{"cstcde": CODE, "csttyp": 4, "amount": 100, "usrdf1": "Area B",
                                         "linref": "B-1", "ntetxt": "Slab"}]})
    assert (sub["pmtbnd"], sub["prfbnd"], sub["orgstr"], sub["orgfin"], sub["subcmp"], sub["taxttl"],
            sub["ntetxt"]) == (True, True, "2026-03-01", "2026-06-30", "2026-06-15", 12.5, "Bonded")
    line = sub["sbcnln"][0]
    assert (line["usrdf1"], line["linref"], line["ntetxt"]) == ("Area B", "B-1", "Slab")
    cost = api.add("jobcst", {"jobnum": JOB, "cstcde": CODE, "csttyp": 1, "cstamt": 10, "trnnum": "T1",
                              "trndte": "2026-03-02", "dscrpt": "Cleanup", "wrkord": "WO-12"})
    assert (cost["wrkord"], cost["payrec"]) == ("WO-12", None)
    # payrec is written by payroll posting, never by a client.
    assert error(api.insert("jobcst", {"jobnum": JOB, "cstcde": CODE, "csttyp": 1, "trnnum": "T2",
                                       "trndte": "2026-03-02", "dscrpt": "x", "payrec": 1}, status=400))


def test_payable_invoice_hold_and_set_to_pay(api: Api) -> None:
    inv = api.add("acpinv", {"invnum": "H-1", "vndnum": 102, "jobnum": JOB, "apivln": [
        {"cstcde": CODE, "csttyp": 1, "extttl": 600, "hldamt": 60},
        {"cstcde": CODE, "csttyp": 1, "extttl": 400, "hldamt": 40}]})
    assert (inv["hldamt"], inv["setpay"], inv["lgrrec"], inv["vodrec"]) == (100, None, None, None)
    api.action("acpinv", inv["recnum"], "post")
    assert api.modify("acpinv", inv["recnum"], {"setpay": 250})["record"]["setpay"] == 250
    refused(api.modify("acpinv", inv["recnum"], {"setpay": 1000.01}, status=409), "setpay_over_balance",
            field="setpay", table="acpinv")
    api.insert("acppmt", {"_idref": inv["_idnum"], "amount": 900, "chknum": "77"})
    assert api.get("acpinv", inv["recnum"])["setpay"] == 100  # the payment used up what it paid


def journal(api: Api, *lines: dict[str, Any], status: int = 201) -> Any:
    body = {"trnnum": "JE-1", "trndte": "2026-03-31", "dscrpt": "Accrue equipment", "lgtnln": list(lines)}
    result = api.insert("lgrtrn", body, status=status)
    return result["record"] if status == 201 else result


def test_journal_posts_job_cost_from_lines_with_a_job(api: Api) -> None:
    je = journal(api, {"lgract": 5300, "dbtamt": 750, "jobnum": JOB, "cstcde": CODE, "csttyp": 3, "wrkord": "W1"},
                 {"lgract": 2000, "crdamt": 750})
    assert (je["srcnum"], je["status"], je["actprd"], je["postyr"], je["dbttot"], je["crdtot"], je["posted"]) == (
        1, 1, 3, 2026, 750, 750, False)
    assert [line["linnum"] for line in je["lgtnln"]] == [1, 2]
    posted = api.action("lgrtrn", je["recnum"], "post")["record"]
    assert posted["posted"] is True
    [cost] = costs(api, trnnum="JE-1")
    assert (cost["srcnum"], cost["cstamt"], cost["csttyp"], cost["wrkord"], cost["trndte"]) == (
        1, 750, 3, "W1", "2026-03-31")
    # The cost belongs to its journal: it changes only by voiding the journal.
    refused(api.modify("jobcst", cost["recnum"], {"cstamt": 1}, status=409), "posted_source", table="jobcst")
    refused(api.delete("jobcst", cost["recnum"], status=409), "posted_source")
    refused(api.modify("lgrtrn", je["recnum"], {"trndte": "2026-04-01"}, status=409), "posted_record")
    assert api.modify("lgrtrn", je["recnum"], {"dscrpt": "Accrual"})["record"]["dscrpt"] == "Accrual"
    line_id = je["lgtnln"][0]["_idnum"]
    refused(api.modify("lgtnln", line_id, {"dbtamt": 1}, status=409), "posted_record")
    refused(api.action("lgrtrn", je["recnum"], "post", status=409), "already_posted")
    refused(api.delete("lgrtrn", je["recnum"], status=409), "posted_record")
    assert api.action("lgrtrn", je["recnum"], "void")["record"]["status"] == 2
    assert [c["status"] for c in costs(api, trnnum="JE-1")] == [2]


def test_journal_rules(api: Api) -> None:
    je = journal(api, {"lgract": 5300, "dbtamt": 750, "jobnum": JOB, "cstcde": CODE, "csttyp": 3},
                 {"lgract": 2000, "crdamt": 700})
    refused(api.action("lgrtrn", je["recnum"], "post", status=409), "balanced", table="lgrtrn")
    api.insert("lgtnln", {"recnum": je["recnum"], "lgract": 2000, "crdamt": 50})
    assert api.get("lgrtrn", je["recnum"])["crdtot"] == 750
    refused(api.insert("lgtnln", {"recnum": je["recnum"], "lgract": 1, "dbtamt": 5, "crdamt": 5}, status=409),
            "debit_or_credit")
    refused(api.insert("lgtnln", {"recnum": je["recnum"], "lgract": 1, "dbtamt": 5, "jobnum": JOB}, status=409),
            "job_cost_distribution", field="cstcde")
    refused(api.insert("lgtnln", {"recnum": je["recnum"], "lgract": 1, "dbtamt": 5, "jobnum": 99999, "cstcde": CODE,
                                  "csttyp": 1}, status=409), "job_exists")
    empty = journal(api)
    refused(api.action("lgrtrn", empty["recnum"], "post", status=409), "lines_required")
    api.delete("lgrtrn", empty["recnum"])
    assert error(api.insert("lgrtrn", {"trnnum": "X"}, status=400))  # trndte is required


def test_payroll_posts_labour_with_hours(api: Api) -> None:
    pay = api.add("payrec", {"empnum": 41, "chkdte": "2026-04-03", "chknum": "5001", "perend": "2026-03-29",
                             "tmcdln": [{"dtewrk": "2026-03-24", "jobnum": JOB, "cstcde": CODE, "hrswrk": 8,
                                         "payrte": 42.5, "wrkord": "W9"},
                                        {"dtewrk": "2026-03-25", "jobnum": JOB, "cstcde": CODE, "hrswrk": 2,
                                         "payrte": 63.75, "paytyp": 2},
                                        {"dtewrk": "2026-03-26", "hrswrk": 4, "payrte": 42.5, "dscrpt": "Shop"}]})
    assert (pay["ttlhrs"], pay["grspay"], pay["actper"]) == (14, 637.5, 4)
    assert [(line["csttyp"], line["extttl"]) for line in pay["tmcdln"]] == [(2, 340), (2, 127.5), (2, 170)]
    api.action("payrec", pay["recnum"], "post")
    payroll = costs(api, srcnum=3)
    assert [(c["cstamt"], c["csthrs"], c["payrec"], c["empnum"], c["trnnum"], c["trndte"]) for c in payroll] == [
        (340, 8, pay["recnum"], 41, "5001", "2026-03-24"), (127.5, 2, pay["recnum"], 41, "5001", "2026-03-25")]
    refused(api.insert("tmcdln", {"recnum": pay["recnum"], "hrswrk": 1}, status=409), "posted_record")
    api.action("payrec", pay["recnum"], "void")
    assert {c["status"] for c in costs(api, srcnum=3)} == {2}


def test_receivable_invoice_bills_the_owner(api: Api) -> None:
    api.modify("actrec", JOB, {"retain": 10, "duedte": "30DY"})
    inv = api.add("acrinv", {"invnum": "AR-1", "jobnum": JOB, "invdte": "2026-04-30", "arivln": [
        {"dscrpt": "Sitework to date", "cstcde": CODE, "extttl": 20000},
        {"dscrpt": "Stored materials", "linqty": 2, "linprc": 2500}]})
    assert (inv["invttl"], inv["retain"], inv["invnet"], inv["invbal"], inv["duedte"], inv["status"]) == (
        25000, 2500, 22500, 22500, "2026-05-30", 1)
    api.insert("arivln", {"_idref": inv["_idnum"], "extttl": 1000})
    assert api.get("acrinv", inv["recnum"])["invttl"] == 26000
    assert api.list("acrinv", jobnum=JOB)["count"] == 1
    refused(api.modify("acrinv", inv["recnum"], {"status": 4}, status=409), "status_set_by_system")
    voided = api.action("acrinv", inv["recnum"], "void")["record"]
    assert (voided["status"], voided["invbal"]) == (5, 0)
    refused(api.insert("arivln", {"_idref": inv["_idnum"], "extttl": 1}, status=409), "void_invoice")
    refused(api.delete("actrec", JOB, status=409), "job_in_use")


def test_line_numbers_stop_at_their_declared_maximum(api: Api) -> None:
    # The schemathesis finding: the line after 2147483647 was numbered 2147483648, past linnum's maximum.
    assert TABLES["pcorln"].by_name["linnum"].maximum == MAX_NUMBER == 2147483647
    po = api.add("pchord", {"ordnum": "PO-MAX", "vndnum": 102, "jobnum": JOB,
                            "pcorln": [{"linnum": MAX_NUMBER, "cstcde": CODE, "csttyp": 1, "linprc": 1}]})
    err = refused(api.insert("pcorln", {"recnum": po["recnum"], "cstcde": CODE, "csttyp": 1}, status=409),
                  "linnum_range", field="linnum", table="pcorln")
    assert "2147483647" in err["message"]
    assert error(api.insert("pcorln", {"recnum": po["recnum"], "linnum": MAX_NUMBER + 1}, status=400))
    assert api.insert("pcorln", {"recnum": po["recnum"], "linnum": 5, "cstcde": CODE, "csttyp": 1})


def test_optional_enums_take_null_and_the_schema_says_so(api: Api, sage_client: TestClient) -> None:
    # The schemathesis finding: typdft and chgsts accepted null while the schema's enum had no null. Null
    # clears an optional choice (no default cost type; a line status that follows its change order), so the
    # schema was wrong: nullable enums list null.
    assert api.modify("actpay", 102, {"typdft": None})["record"]["typdft"] is None
    co = api.add("prmchg", {"jobnum": JOB, "sbcgln": [{"cstcde": CODE, "csttyp": 1, "chgsts": 1}]})
    line = co["sbcgln"][0]
    assert api.modify("sbcgln", line["_idnum"], {"chgsts": None})["record"]["chgsts"] is None
    doc = sage_client.get("/sage100/openapi.json").json()
    schemas = doc["components"]["schemas"]
    for name, column in (("actpay.modify", "typdft"), ("sbcgln.modify", "chgsts"), ("actpay", "typdft")):
        prop = schemas[name]["properties"][column]
        assert None in prop["enum"] and prop["nullable"] is True, (name, prop)
    # Filters never take null.
    status_filter = next(p for p in doc["paths"]["/records/jobcst"]["get"]["parameters"] if p["name"] == "status")
    assert None not in status_filter["schema"]["enum"]
    # An enum with a default (the vendor's PO rule) is not nullable, and null is refused.
    assert None not in schemas["actpay.modify"]["properties"]["pomesg"]["enum"]
    assert error(api.modify("actpay", 102, {"pomesg": None}, status=400))
