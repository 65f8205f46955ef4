"""$filter on indexed fields: answered by the declared index, with the same rows as a scan."""

from __future__ import annotations

import pytest

from simulator.acumatica.entities import ENTITIES
from simulator.acumatica.models import indexed_fields
from simulator.acumatica.odata import compile_filter, index_hint, prefilter
from simulator.store import Cond, Store
from tests.acumatica.conftest import Acu, val

V24 = "24.200.001"


def test_keys_dates_and_declared_fields_are_indexed() -> None:
    vendor = ENTITIES["Vendor"]
    assert {"VendorID", "LastModifiedDateTime", "Status", "VendorName"} <= set(indexed_fields(vendor))
    assert {"Vendor", "Project", "Status"} <= set(indexed_fields(ENTITIES["Bill"]))


@pytest.mark.parametrize("text, index", [
    ("VendorName eq 'Acme'", "VendorName"),
    ("Status eq 'Active' and VendorClass eq 'X'", "Status"),
    ("LastModifiedDateTime gt datetimeoffset'2026-01-01T00:00:00Z'", "LastModifiedDateTime"),
    ("startswith(VendorID, 'AC')", "VendorID"),
])
def test_a_selective_filter_reads_its_index(text: str, index: str) -> None:
    store = Store()
    store.create_tenant("t", "t", {})
    records = store.records("t")
    vendor = ENTITIES["Vendor"]
    _, tree = compile_filter(text, vendor, V24)
    where, params = prefilter(tree, vendor, V24) or ("1", [])
    hint = index_hint(tree, vendor)
    assert hint is not None and hint.lstrip("~") == index
    clause, values = records._where("acumatica.Vendor", [Cond("id", ">", 0)], (where, params))
    source, _ = records._source("acumatica.Vendor", [], hint)
    plan = " ".join(str(r[-1]) for r in store.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM {source} WHERE {clause} ORDER BY id", tuple(values)))
    assert f"records:acumatica.Vendor:{index}:" in plan


def test_indexed_filters_match_like_the_predicate(acu: Acu) -> None:
    for vid, name, status in (("IDX1", "Ünïcode Supply", "Active"), ("IDX2", "MIXED case", "Inactive"),
                              ("IDX3", "mixed CASE", "Active")):
        acu.ok("Vendor", {"VendorID": vid, "VendorName": name, "Status": status})

    def ids(text: str) -> list[str]:
        r = acu.get("Vendor", **{"$filter": text, "$select": "VendorID"})
        assert r.status_code == 200, r.text
        return sorted(val(v, "VendorID") for v in r.json())

    assert ids("VendorName eq 'mixed case'") == ["IDX2", "IDX3"]
    assert ids("VendorName eq 'ÜNÏCODE SUPPLY'") == ["IDX1"]
    assert ids("VendorName eq 'Mixed Case' and Status eq 'inactive'") == ["IDX2"]
    assert ids("startswith(VendorID, 'idx')") == ["IDX1", "IDX2", "IDX3"]
    assert ids("VendorID eq 'IDX3' or VendorName eq 'mixed case'") == ["IDX2", "IDX3"]
    assert ids("LastModifiedDateTime gt datetimeoffset'2000-01-01T00:00:00Z' and startswith(VendorID, 'IDX')") \
        == ["IDX1", "IDX2", "IDX3"]
    assert ids("LastModifiedDateTime lt datetimeoffset'2000-01-01T00:00:00Z'") == []
