"""$filter: the OData v3 subset, its parser errors, and filtering over HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from simulator.acumatica.entities import BILL, VENDOR
from simulator.acumatica.odata import FilterError, compile_filter, key_equalities, parse
from simulator.acumatica.wire import store_datetime, parse_datetime
from tests.acumatica.conftest import Acu, val

V24 = "24.200.001"


def vendor(**fields: Any) -> dict[str, Any]:
    return {"fields": fields, "links": {"MainContact": {"fields": {"Email": "ap@acme.test"}}}, "custom": {}}


def matches(text: str, node: dict[str, Any], ent: Any = VENDOR) -> bool:
    pred, _ = compile_filter(text, ent, V24)
    return pred(node)


ACME = vendor(VendorID="ACME", VendorName="Acme Concrete", Status="Active", MaxReceipt=100.0, LeadTimedays=5,
              F1099Vendor=True, CreatedDateTime="2024-07-15T10:31:28")


@pytest.mark.parametrize("text, expected", [
    ("VendorID eq 'ACME'", True),
    ("VendorID eq 'acme'", True),  # the database collation ignores case
    ("VendorID ne 'ACME'", False),
    ("MaxReceipt gt 99.5", True),
    ("MaxReceipt ge 100M", True),
    ("MaxReceipt lt 100", False),
    ("LeadTimedays le 5", True),
    ("Status eq 'Active' and VendorName eq 'Acme Concrete'", True),
    ("Status eq 'Inactive' or VendorID eq 'ACME'", True),
    ("Status eq 'Inactive' or VendorID eq 'X' and MaxReceipt gt 0", False),
    ("(Status eq 'Inactive' or VendorID eq 'ACME') and MaxReceipt gt 0", True),
    ("not (Status eq 'Inactive')", True),
    ("substringof('concrete', VendorName)", True),
    ("startswith(VendorName, 'Acme')", True),
    ("endswith(VendorName, 'Steel')", False),
    ("contains(VendorName, 'CON')", True),
    ("tolower(VendorName) eq 'acme concrete'", True),
    ("length(VendorID) eq 4", True),
    ("F1099Vendor eq true", True),
    ("TaxZone eq null", True),
    ("TaxZone ne null", False),
    ("MainContact/Email eq 'ap@acme.test'", True),
    ("CreatedDateTime gt datetimeoffset'2024-07-15T10:00:00%2B03:00'", True),
    ("CreatedDateTime lt datetime'2024-07-15T10:31:29'", True),
    ("CreatedDateTime ge date'2024-07-16'", False),
    ("year(CreatedDateTime) eq 2024", True),
    ("MaxReceipt add 1 eq 101", True),
    ("MaxReceipt div 0 eq 1", False),
    ("-LeadTimedays lt 0", True),
    ("VendorName eq 'O''Brien'", False),
])
def test_filter_semantics(text: str, expected: bool) -> None:
    from urllib.parse import unquote

    assert matches(unquote(text), ACME) is expected


def test_custom_field_filters_read_the_custom_block() -> None:
    node = {"fields": {"Type": "Bill"}, "custom": {"Document": {"RetainageApply": True}}}
    assert matches("cf.Boolean(f='Document.RetainageApply') eq true", node, BILL)
    assert not matches("cf.Decimal(f='CurrentDocument.DefRetainagePct') gt 0M", node, BILL)


def test_detail_paths_match_if_any_row_does() -> None:
    node = {"fields": {}, "details": {"Details": [{"fields": {"Amount": 5.0}}, {"fields": {"Amount": 50.0}}]}}
    assert matches("Details/Amount gt 10", node, BILL)
    assert not matches("Details/Amount gt 100", node, BILL)


@pytest.mark.parametrize("text", [
    "VendorID eq", "VendorID eq 'x' and", "(VendorID eq 'x'", "VendorID eq 'x')", "eq 'x'", "VendorID 'x'",
    "frobnicate(VendorID)", "startswith(VendorID)", "VendorID eq 'unterminated", "VendorID eq #", "",
    "cf.Wrong(f='A.B') eq 1", "cf.String(f='NoDot') eq 'x'", "VendorID eq binary'00'",
    "CreatedDateTime gt datetime'not-a-date'", "(" * 100 + "VendorID eq 'x'" + ")" * 100,
])
def test_bad_grammar_is_a_filter_error(text: str) -> None:
    with pytest.raises(FilterError):
        compile_filter(text, VENDOR, V24)


@pytest.mark.parametrize("text", ["Colour eq 'red'", "MainContact/Nope eq 1", "Nope/Email eq 1"])
def test_unknown_fields_are_filter_errors(text: str) -> None:
    with pytest.raises(FilterError):
        compile_filter(text, VENDOR, V24)


def test_key_equalities_find_pinned_keys() -> None:
    assert key_equalities(parse("VendorID eq 'V1' and Status eq 'Active'")) == {"VendorID": "V1",
                                                                                "Status": "Active"}
    assert key_equalities(parse("'V1' eq VendorID")) == {"VendorID": "V1"}
    assert key_equalities(parse("VendorID eq 'V1' or VendorID eq 'V2'")) == {}


def test_stored_dates_compare_as_dates() -> None:
    node = vendor(CreatedDateTime=store_datetime(parse_datetime("2024-07-15")))
    assert matches("CreatedDateTime eq datetime'2024-07-15T00:00:00'", node)


def test_filter_over_http(acu: Acu) -> None:
    active = acu.one("Vendor", **{"$filter": "Status eq 'Active'", "$select": "VendorID"})
    inactive = acu.one("Vendor", **{"$filter": "Status eq 'Inactive'", "$select": "VendorID"})
    assert len(active) + len(inactive) == 24
    assert len(inactive) == 1
    one = acu.one("Vendor", **{"$filter": "VendorID eq 'V105'"})
    assert [val(v, "VendorID") for v in one] == ["V105"]
    assert acu.one("Vendor", **{"$filter": "VendorID eq 'V105' and Status eq 'Inactive'"}) == []
    paged = acu.one("Vendor", **{"$filter": "Status eq 'Active'", "$skip": 20, "$top": 5})
    assert len(paged) == 3
    linked = acu.one("Vendor", **{"$filter": "substringof('.', MainContact/Email)", "$top": 1})
    assert len(linked) == 1
    budgets = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1002' and Type eq 'Income'"})
    assert len(budgets) == 1 and val(budgets[0], "AccountGroup") == "REVENUE"


def test_bad_filter_over_http_is_an_odata_error(acu: Acu) -> None:
    r = acu.get("Vendor", **{"$filter": "VendorID eq 'x' and"})
    assert r.status_code == 400
    body = r.json()
    assert body["exceptionType"] == "Microsoft.Data.OData.ODataException"
    assert "Syntax error" in body["exceptionMessage"]
    acu.configure(bad_query_status=500)
    assert acu.get("Vendor", **{"$filter": "Nope eq 1"}).status_code == 500


NARROWING_FILTERS = [
    "VendorName eq 'straße bau'", "VendorName eq 'STRASSE BAU'", "VendorName ne 'Acme'", "Status eq 'Active'",
    "Status ne 'Active'", "MaxReceipt gt 10", "MaxReceipt ne 5", "LeadTimedays le 3", "F1099Vendor eq true",
    "F1099Vendor ne true", "TaxZone eq null", "TaxZone ne null", "startswith(VendorName, 'str')",
    "endswith(VendorName, '_x%')", "substringof('BAU', VendorName)", "contains(VendorName, 'a')",
    "VendorName eq 'Ωmega' or MaxReceipt eq 5", "not (Status eq 'Active') and MaxReceipt gt 0",
    "tolower(VendorName) eq 'straße bau'", "MainContact/Email eq 'ap@acme.test'", "5 lt MaxReceipt",
]


def test_database_narrowing_never_changes_the_answer(acu: Acu) -> None:
    from simulator.acumatica.odata import prefilter

    extra = [
        {"VendorID": "U1", "VendorName": "Straße Bau", "MaxReceipt": 12, "LeadTimedays": 2, "F1099Vendor": True},
        {"VendorID": "U2", "VendorName": "STRASSE BAU", "MaxReceipt": 5, "TaxZone": "CA"},
        {"VendorID": "U3", "VendorName": "Ωmega", "Status": "On Hold"},
        {"VendorID": "U4", "VendorName": "under_x%", "MaxReceipt": 0},
    ]
    for body in extra:
        acu.ok("Vendor", body)
    everything = acu.one("Vendor", **{"$expand": "MainContact"})
    for text in NARROWING_FILTERS:
        pred, tree = compile_filter(text, VENDOR, V24)
        expected = [val(v, "VendorID") for v in everything if pred(_as_node(v))]
        got = [val(v, "VendorID") for v in acu.one("Vendor", **{"$filter": text, "$select": "VendorID"})]
        assert got == expected, text
    assert prefilter(parse("not (Status eq 'Active')"), VENDOR, V24) is None
    assert prefilter(parse("Status eq 'Active' or tolower(VendorName) eq 'x'"), VENDOR, V24) is None


def _as_node(record: dict[str, Any]) -> dict[str, Any]:
    """A rendered record back into the stored node shape the predicate reads."""
    from simulator.acumatica.wire import coerce

    def fields(rec: dict[str, Any], ent: Any) -> dict[str, Any]:
        out = {}
        for fld in ent.fields:
            wrapped = rec.get(fld.name) or {}
            if "value" in wrapped:
                out[fld.name] = coerce(fld.type, wrapped["value"]) if fld.type == "DateTime" else wrapped["value"]
        return out

    from simulator.acumatica.entities import CONTACT

    node: dict[str, Any] = {"fields": fields(record, VENDOR), "links": {}, "custom": {}}
    if "MainContact" in record:
        node["links"]["MainContact"] = {"fields": fields(record["MainContact"], CONTACT)}
    return node
