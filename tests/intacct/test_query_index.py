"""Filters answered by indexes return exactly what the same filter returns by scanning every row."""

from __future__ import annotations

import pytest

from simulator.intacct.schema import OBJECTS, sortable_stamp
from simulator.store import declared_indexes, json_field
from tests.intacct.conftest import Post

NOTHING = "<equalto><field>RECORDNO</field><value>999999</value></equalto>"


def rows(call: Post, obj: str, fields: str, flt: str, extra: str = "") -> tuple[str, list[tuple[str, ...]]]:
    names = fields.split(",")
    select = "".join(f"<field>{n}</field>" for n in names)
    reply = call(f"<query><object>{obj}</object><select>{select}</select><filter>{flt}</filter>{extra}"
                 f"<pagesize>1000</pagesize></query>")
    data = reply.ok().find("data")
    assert data is not None
    return data.get("totalcount") or "", [tuple(r.findtext(n) or "" for n in names) for r in data]


@pytest.mark.parametrize("obj, flt", [
    ("VENDOR", "<equalto><field>STATUS</field><value>active</value></equalto>"),
    ("VENDOR", "<equalto><field>VENDORID</field><value>V110</value></equalto>"),
    ("VENDOR", "<in><field>VENDORID</field><value>V110</value><value>V111</value><value>nope</value></in>"),
    ("VENDOR", "<greaterthan><field>RECORDNO</field><value>5</value></greaterthan>"),
    ("VENDOR", "<between><field>RECORDNO</field><value>3</value><value>7</value></between>"),
    ("VENDOR", "<greaterthanorequalto><field>WHENMODIFIED</field><value>01/01/2000</value></greaterthanorequalto>"),
    ("VENDOR", "<greaterthan><field>WHENMODIFIED</field><value>01/01/2100 00:00:00</value></greaterthan>"),
    ("APBILLITEM", "<equalto><field>RECORDKEY</field><value>1</value></equalto>"),
    ("PROJECT", "<and><equalto><field>STATUS</field><value>active</value></equalto>"
                "<equalto><field>PROJECTID</field><value>1001</value></equalto></and>"),
])
def test_indexed_filters_match_a_scan(call: Post, obj: str, flt: str) -> None:
    indexed = rows(call, obj, "RECORDNO", flt)
    scanned = rows(call, obj, "RECORDNO", f"<or>{flt}{NOTHING}</or>")
    assert indexed == scanned


def test_readbyquery_maps_codes_back_to_stored_values(call: Post) -> None:
    def ids(query: str) -> list[str]:
        reply = call(f"<readByQuery><object>VENDOR</object><fields>VENDORID</fields><query>{query}</query>"
                     f"<pagesize>1000</pagesize></readByQuery>")
        return sorted(v.findtext("VENDORID") or "" for v in reply.ok().find("data"))  # type: ignore[union-attr]

    active = ids("STATUS = 'T'")
    assert active and active == ids("STATUS = 'T' OR RECORDNO = 999999")
    assert ids("STATUS = 'active'") == ids("STATUS = 'active' OR RECORDNO = 999999") == []
    assert ids("VENDORID = 'V110'") == ["V110"]


def test_every_object_indexes_its_id_and_change_stamp() -> None:
    for obj in OBJECTS.values():
        declared = declared_indexes("intacct." + obj.name)
        if obj.id_field:
            assert obj.id_field in declared
        if obj.fields["WHENMODIFIED"].type == "ts":
            assert declared["WHENMODIFIED"] == sortable_stamp(json_field("WHENMODIFIED"))


def test_a_page_renders_as_each_row_would_alone() -> None:
    from lxml import etree

    from simulator.intacct.functions import render, render_rows

    obj = OBJECTS["VENDOR"]
    rows = [{"VENDORID": "V1", "NAME": "One", "DISPLAYCONTACT.EMAIL1": "a@b.example",
             "DISPLAYCONTACT.MAILADDRESS.CITY": "Austin"}, {"VENDORID": "V2"}]
    for names in (None, ["VENDORID", "DISPLAYCONTACT.MAILADDRESS.CITY", "NAME", "DISPLAYCONTACT.EMAIL1"]):
        one, many = etree.Element("data"), etree.Element("data")
        for row in rows:
            render(one, "vendor", obj, row, names, nest=True)
        render_rows(many, "vendor", names if names is not None else list(obj.fields), rows)
        assert etree.tostring(one) == etree.tostring(many)
