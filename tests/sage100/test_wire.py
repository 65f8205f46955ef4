"""Bad input: each case gets a clear error in the room's shape and changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette

from .helpers import Api, configure, error, refused

JOB = {"recnum": 2001, "jobnme": "Riverside Library"}


def snapshot(app: Starlette) -> Any:
    document = app.state.tenants.snapshot("demo")
    document.pop("_tenant", None)
    return document


@pytest.mark.parametrize("raw", [b"{", b'{"recnum": 2001,}', b"\xff\xfe", b"", b"NaN", b'{"recnum": NaN}'])
def test_malformed_json_is_400(api: Api, sage_app: Starlette, raw: bytes) -> None:
    before = snapshot(sage_app)
    response = api.call("POST", "/records/actrec", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    err = error(response.json())
    assert err["code"] == "MalformedJSON" and err["rule"] == "json"
    assert snapshot(sage_app) == before


def test_body_must_be_an_object(api: Api) -> None:
    response = api.call("POST", "/records/actrec", json=[JOB])
    assert response.status_code == 400 and error(response.json())["code"] == "InvalidType"


@pytest.mark.parametrize(("field", "value", "rule"), [
    ("jobnme", 75, "type"), ("status", "4", "type"), ("status", True, "type"), ("status", 7, "enum"),
    ("cntrct", "1000.00", "type"), ("cntrct", 1.005, "decimal_places"), ("cntrct", 1e11, "digits"),
    ("inactv", "N", "type"), ("strdte", "01/05/2026", "date"), ("strdte", "2026-02-30", "date"),
    ("jobnme", "x" * 76, "max_length"), ("shtnme", "y" * 31, "max_length"), ("duedte", "30days", "format"),
    ("retain", 100.01, "maximum"), ("jobtyp", 1.5, "type"),
])
def test_wrong_values_name_field_and_rule(api: Api, field: str, value: Any, rule: str) -> None:
    body = api.insert("actrec", {**JOB, field: value}, status=400)
    err = refused(body, rule, field=field, table="actrec")
    assert err["code"] == "InvalidRecord"
    assert api.get("actrec", 2001, status=404)


def test_all_problems_are_reported_together(api: Api) -> None:
    body = api.insert("jobcst", {"jobnum": "1001-A", "cstcde": 3.1234, "csttyp": 0, "zzz": 1}, status=400)
    rules = {d["field"]: d["rule"] for d in error(body)["details"]}
    assert rules["jobnum"] == "numeric_job_number"
    assert rules["cstcde"] == "cost_code_decimals"
    assert rules["csttyp"] == "enum"
    assert rules["zzz"] == "unknown_column"
    assert {"trnnum", "trndte", "dscrpt"} <= {f for f, r in rules.items() if r == "required"}


def test_unknown_table_is_404(api: Api) -> None:
    for method, path in (("GET", "/records/jobs"), ("POST", "/records/jobs"), ("GET", "/records/jobs/1"),
                         ("PATCH", "/records/jobs/1"), ("POST", "/records/jobs/1/post")):
        response = api.call(method, path, json={})
        assert response.status_code == 404
        err = error(response.json())
        assert err["code"] == "UnknownTable" and "actrec" in err["message"]


def test_unknown_column_is_400_and_lists_the_columns(api: Api) -> None:
    err = refused(api.insert("actrec", {**JOB, "jobname": "typo"}, status=400), "unknown_column", field="jobname")
    assert "jobnme" in err["message"]


def test_non_numeric_job_numbers(api: Api) -> None:
    for value in ("2001-A", "2001", "Job 7"):
        refused(api.insert("actrec", {**JOB, "recnum": value}, status=400), "numeric_job_number", field="recnum")
    refused(api.insert("bdglin", {"recnum": "1001.A", "cstcde": 3.1}, status=400), "numeric_job_number")
    response = api.call("GET", "/records/actrec/1001-A")
    assert response.status_code == 400 and error(response.json())["rule"] == "numeric_job_number"
    response = api.call("GET", "/records/jobcst", params={"jobnum": "10O1"})
    assert response.status_code == 400 and error(response.json())["rule"] == "numeric_job_number"


def test_cost_code_with_more_than_three_decimals(api: Api) -> None:
    refused(api.insert("cstcde", {"recnum": 3.1001, "cdenme": "x", "divnum": 3}, status=400),
            "cost_code_decimals", field="recnum")
    refused(api.insert("bdglin", {"recnum": 1001, "cstcde": 3.1005}, status=400), "cost_code_decimals")
    response = api.call("GET", "/records/bdglin", params={"cstcde": "3.1005"})
    assert response.status_code == 400 and error(response.json())["rule"] == "cost_code_decimals"
    assert api.call("GET", "/records/cstcde/3.1005").status_code == 404
    # Trailing zeros are not extra decimals.
    assert api.get("cstcde", "3.10000")["recnum"] == 3.1


def test_cost_codes_cannot_begin_with_zero(api: Api) -> None:
    refused(api.insert("cstcde", {"recnum": 0.5, "cdenme": "x", "divnum": 0}, status=400),
            "cost_code_leading_zero", field="recnum")


def test_oversized_body_is_413(api: Api, sage_app: Starlette) -> None:
    configure(sage_app, body_limit_bytes=2048)
    big = {**JOB, "jobnme": "x" * 4000}
    response = api.call("POST", "/records/actrec", json=big)
    assert response.status_code == 413
    assert error(response.json())["rule"] == "body_limit"
    assert api.get("actrec", 2001, status=404)
    # A lying Content-Length is caught while streaming, too.
    response = api.call("PATCH", "/records/actrec/1001", content=b" " * 5000)
    assert response.status_code == 413


def test_required_columns(api: Api) -> None:
    body = api.insert("actrec", {"recnum": 2001}, status=400)
    refused(body, "required", field="jobnme")
    refused(api.insert("actrec", {**JOB, "status": None}, status=400), "required", field="status")


def test_read_only_columns_are_refused_unless_unchanged(api: Api) -> None:
    refused(api.insert("actrec", {**JOB, "_idnum": 99}, status=400), "read_only", field="_idnum")
    refused(api.insert("subcon", {"ctcnum": "X", "vndnum": 102, "jobnum": 1001, "balttl": 5}, status=400),
            "read_only", field="balttl")
    record = api.get("actrec", 1001)
    # A retrieved record can be sent back as is, with one change.
    changed = api.modify("actrec", 1001, {**record, "jobnme": "Renamed"})["record"]
    assert changed["jobnme"] == "Renamed" and changed["_idnum"] == record["_idnum"]
    refused(api.modify("actrec", 1001, {"recnum": 1002}, status=400), "read_only", field="recnum")
    refused(api.modify("actrec", 1001, {"insusr": "someone"}, status=400), "read_only", field="insusr")


def test_header_lines_change_through_their_own_table(api: Api) -> None:
    sub = api.add("subcon", {"ctcnum": "SC-9", "vndnum": 102, "jobnum": 1001,
                             "sbcnln": [{"cstcde": 3.3, "csttyp": 4, "amount": 100}]})
    refused(api.modify("subcon", sub["recnum"], {"sbcnln": []}, status=400), "lines_separately", field="sbcnln")
    refused(api.insert("subcon", {"ctcnum": "SC-10", "vndnum": 102, "jobnum": 1001, "sbcnln": {}}, status=400),
            "type", field="sbcnln")
    body = api.insert("subcon", {"ctcnum": "SC-10", "vndnum": 102, "jobnum": 1001,
                                 "sbcnln": [{"cstcde": 3.3, "amount": "ten"}, 5, {"recnum": 1, "cstcde": 3.3}]},
                      status=400)
    details = error(body)["details"]
    assert [d["record"] for d in details] == ["line 1", "line 2", "line 3"]


def test_unknown_paths_methods_and_options(api: Api) -> None:
    response = api.call("GET", "/nothing/here")
    assert response.status_code == 404 and error(response.json())["code"] == "UnknownPath"
    response = api.call("PUT", "/records/actrec/1001", json={})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, PATCH, DELETE"
    assert error(response.json())["code"] == "MethodNotAllowed"
    response = api.call("OPTIONS", "/records/actrec")
    assert response.status_code == 204 and response.headers["allow"] == "GET, POST"
    response = api.call("POST", "/records/acpinv/1/refund")
    assert response.status_code == 404 and error(response.json())["code"] == "UnknownAction"
    assert api.call("HEAD", "/records/actrec").status_code == 200


def test_paging_and_filter_parameters_are_checked(api: Api) -> None:
    for params in ({"limit": 0}, {"limit": 1001}, {"limit": "x"}, {"after": -1}, {"updated_since": "yesterday"},
                   {"jobnme": "x"}, {"status": 9}, {"inactv": "maybe"}):
        response = api.call("GET", "/records/actrec", params=params)
        assert response.status_code == 400, params
        assert error(response.json())["field"] in params


def test_a_failed_request_changes_nothing(api: Api, sage_app: Starlette) -> None:
    before = snapshot(sage_app)
    # Fails on its second line, after the header and first line were written.
    api.insert("subcon", {"ctcnum": "SC-X", "vndnum": 102, "jobnum": 1001,
                          "sbcnln": [{"cstcde": 3.3, "amount": 1}, {"cstcde": 99.999, "amount": 2}]}, status=409)
    assert snapshot(sage_app) == before
