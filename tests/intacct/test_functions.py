"""Read-side functions: read, readByName, readByQuery/readMore, query, lookup, inspect."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.intacct.conftest import Post


def data(reply_result: etree._Element) -> etree._Element:
    found = reply_result.find("data")
    assert found is not None
    return found


def test_read_by_recordno_uppercase_with_lines(call: Post) -> None:
    result = call("<read><object>PROJECT</object><keys>1,2</keys><fields>*</fields></read>").ok()
    d = data(result)
    assert d.get("listtype") == "PROJECT" and d.get("count") == "2"
    assert [p.findtext("PROJECTID") for p in d.findall("PROJECT")] == ["1001", "1002"]
    assert d.find("PROJECT/CUSTOMERNAME").text  # derived from the customer


def test_read_selected_fields_and_bad_field(call: Post) -> None:
    d = data(call("<read><object>VENDOR</object><keys>1</keys><fields>VENDORID,NAME</fields></read>").ok())
    assert [c.tag for c in d.find("VENDOR")] == ["VENDORID", "NAME"]
    reply = call("<read><object>VENDOR</object><keys>1</keys><fields>VENDORID,x</fields></read>")
    assert reply.first_error()[0] == "Invalid fields list X"


def test_read_nests_compound_fields(call: Post) -> None:
    d = data(call("<read><object>VENDOR</object><keys>1</keys><fields>*</fields></read>").ok())
    assert d.find("VENDOR/DISPLAYCONTACT/MAILADDRESS/CITY") is not None
    assert d.find("VENDOR/DISPLAYCONTACT/PRINTAS").text


def test_read_missing_key_is_empty_or_error_by_config(call: Post, client) -> None:  # type: ignore[no-untyped-def]
    d = data(call("<read><object>VENDOR</object><keys>99999</keys></read>").ok())
    assert d.get("count") == "0"
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"read_missing": "error"}})
    assert call("<read><object>VENDOR</object><keys>99999</keys></read>").result.findtext("status") == "failure"


def test_read_with_empty_keys_returns_at_most_100(call: Post) -> None:
    d = data(call("<read><object>COSTTYPE</object><keys></keys><fields>RECORDNO</fields></read>").ok())
    assert d.get("count") == "82"
    too_many = ",".join(str(n) for n in range(1, 102))
    assert "at most 100 keys" in call(f"<read><object>VENDOR</object><keys>{too_many}</keys></read>").first_error()[1]


def test_read_by_name(call: Post) -> None:
    d = data(call("<readByName><object>PROJECT</object><keys>1002</keys><fields>*</fields></readByName>").ok())
    assert d.get("listtype") == "PROJECT" and d.findtext("PROJECT/PROJECTID") == "1002"
    reply = call("<readByName><object>TASK</object><keys>03-100</keys></readByName>")
    assert "readByName is not available for TASK" in reply.first_error()[1]


def test_read_by_query_pages_with_read_more(call: Post) -> None:
    first = data(call("<readByQuery><object>COSTTYPE</object><fields>RECORDNO,COSTTYPEID</fields>"
                      "<query></query><pagesize>30</pagesize></readByQuery>").ok())
    assert first.get("listtype") == "costtype"
    assert first.find("costtype") is not None and first.find("COSTTYPE") is None
    assert (first.get("count"), first.get("totalcount"), first.get("numremaining")) == ("30", "82", "52")
    result_id = first.get("resultId")
    seen = [r.findtext("RECORDNO") for r in first]
    while True:
        page = data(call(f"<readMore><resultId>{result_id}</resultId></readMore>").ok())
        assert page.get("resultId") == result_id
        seen += [r.findtext("RECORDNO") for r in page]
        if page.get("numremaining") == "0":
            break
    assert len(seen) == 82 == len(set(seen))
    again = call(f"<readMore><resultId>{result_id}</resultId></readMore>").ok()
    assert data(again).get("count") == "0"


def test_read_more_by_object_and_bad_result_id(call: Post) -> None:
    call("<readByQuery><object>VENDOR</object><fields>VENDORID</fields><query/><pagesize>10</pagesize></readByQuery>")
    page = data(call("<readMore><object>VENDOR</object></readMore>").ok())
    assert page.get("count") == "10"
    reply = call("<readMore><resultId>nope</resultId></readMore>")
    assert reply.first_error() == ("readMore failed", "Attempt to readMore with an invalid or expired resultId: nope")


def test_read_by_query_empty_result_shape(call: Post) -> None:
    d = data(call("<readByQuery><object>VENDOR</object><query>VENDORID = 'NONE'</query></readByQuery>").ok())
    assert (d.get("count"), d.get("totalcount"), d.get("numremaining"), d.get("resultId")) == ("0", "0", "0", "")


@pytest.mark.parametrize(("query", "expected"), [
    ("STATUS = 'T'", 23),
    ("STATUS = 'F'", 1),
    ("STATUS = 'active'", 0),  # readByQuery compares database codes, not display values
    ("VENDORID IN ('V100','V101','V999')", 2),
    ("VENDORID LIKE 'V10%'", 10),
    ("VENDORID NOT LIKE 'V10%'", 14),
    ("NOT VENDORID = 'V100'", 23),
    ("(VENDORID = 'V100' OR VENDORID = 'V101') AND STATUS = 'T'", 2),
    ("RETAINAGEPERCENTAGE > 5", 22),
    ("PARENTID IS NULL", 24),
    ("PARENTID IS NOT NULL", 0),
    ("NAME = 'Jane\\'s Deli'", 0),
])
def test_read_by_query_grammar(call: Post, query: str, expected: int) -> None:
    escaped = query.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    d = data(call(f"<readByQuery><object>VENDOR</object><fields>VENDORID</fields><query>{escaped}</query>"
                  "<pagesize>100</pagesize></readByQuery>").ok())
    assert int(d.get("totalcount")) == expected


def test_read_by_query_syntax_errors(call: Post) -> None:
    for bad in ("VENDORID = ", "VENDORID == 'x'", "(VENDORID = 'x'", "NOSUCH = 'x'", "VENDOR.NAME = 'x'"):
        reply = call(f"<readByQuery><object>VENDOR</object><query>{bad}</query></readByQuery>")
        assert reply.first_error()[0] == "DL02000001", bad


def query_count(call: Post, obj: str, filter_xml: str, options: str = "") -> int:
    reply = call(f"<query><object>{obj}</object><select><field>RECORDNO</field></select>"
                 f"<filter>{filter_xml}</filter>{options}</query>")
    return int(data(reply.ok()).get("totalcount"))


def test_query_filter_operators(call: Post) -> None:
    eq = "<equalto><field>STATUS</field><value>active</value></equalto>"
    assert query_count(call, "VENDOR", eq) == 23
    assert query_count(call, "VENDOR", "<notequalto><field>STATUS</field><value>active</value></notequalto>") == 1
    assert query_count(call, "VENDOR", "<in><field>VENDORID</field><value>V100</value><value>V123</value></in>") == 2
    assert query_count(call, "VENDOR", "<notin><field>VENDORID</field><value>V100</value></notin>") == 23
    assert query_count(call, "VENDOR", "<like><field>VENDORID</field><value>V12_</value></like>") == 4
    assert query_count(call, "VENDOR", "<notlike><field>VENDORID</field><value>V1%</value></notlike>") == 0
    assert query_count(call, "VENDOR", "<isnull><field>PARENTID</field></isnull>") == 24
    assert query_count(call, "VENDOR", "<isnotnull><field>PARENTID</field></isnotnull>") == 0
    assert query_count(call, "VENDOR", "<greaterthan><field>RECORDNO</field><value>20</value></greaterthan>") == 4
    assert query_count(call, "VENDOR", "<lessthanorequalto><field>RECORDNO</field><value>2</value>"
                                       "</lessthanorequalto>") == 2
    assert query_count(call, "VENDOR", "<between><field>RECORDNO</field><value>5</value><value>9</value>"
                                       "</between>") == 5
    both = f"<and>{eq}<like><field>VENDORID</field><value>V10%</value></like></and>"
    assert query_count(call, "VENDOR", both) == 10
    either = ("<or><equalto><field>VENDORID</field><value>V100</value></equalto>"
              "<equalto><field>VENDORID</field><value>V101</value></equalto></or>")
    assert query_count(call, "VENDOR", either) == 2
    dates = "<greaterthanorequalto><field>BEGINDATE</field><value>02/01/2026</value></greaterthanorequalto>"
    assert query_count(call, "PROJECT", dates) == 2


def test_query_case_sensitivity_option(call: Post) -> None:
    lower = "<equalto><field>VENDORID</field><value>v100</value></equalto>"
    assert query_count(call, "VENDOR", lower) == 0
    assert query_count(call, "VENDOR", lower, "<options><caseinsensitive>true</caseinsensitive></options>") == 1


def test_query_dot_paths_follow_relationships(call: Post) -> None:
    reply = call("<query><object>TASK</object><select><field>TASKID</field><field>PROJECT.NAME</field></select>"
                 "<filter><equalto><field>PROJECT.PROJECTID</field><value>1002</value></equalto></filter></query>")
    d = data(reply.ok())
    assert int(d.get("count")) == 10
    assert d.find("TASK/PROJECT.NAME").text  # dotted names are literal element names


def test_query_orderby_offset_and_paging_attributes(call: Post) -> None:
    reply = call("<query><object>VENDOR</object><select><field>VENDORID</field></select>"
                 "<orderby><order><field>VENDORID</field><descending/></order></orderby>"
                 "<pagesize>5</pagesize><offset>5</offset></query>")
    d = data(reply.ok())
    assert (d.get("totalcount"), d.get("offset"), d.get("count"), d.get("numremaining")) == ("24", "5", "5", "14")
    assert [v.findtext("VENDORID") for v in d] == ["V118", "V117", "V116", "V115", "V114"]


def test_query_aggregates(call: Post) -> None:
    reply = call("<query><object>COSTTYPE</object><select><field>PROJECTID</field><count>RECORDNO</count>"
                 "</select><orderby><order><field>PROJECTID</field><ascending/></order></orderby></query>")
    rows = [(r.findtext("PROJECTID"), r.findtext("COUNT.RECORDNO")) for r in data(reply.ok())]
    assert [p for p, _ in rows] == ["1001", "1002", "1003"]
    assert sum(int(c) for _, c in rows) == 82


def test_query_grammar_errors(call: Post) -> None:
    bad = [
        "<select><field>*</field></select>",
        "<select><field>NOPE</field></select>",
        "<select><field>VENDORID</field></select><filter><and><equalto><field>VENDORID</field><value>x</value>"
        "</equalto></and></filter>",
        "<select><field>VENDORID</field></select><filter><between><field>RECORDNO</field><value>1</value>"
        "</between></filter>",
        "<select><field>VENDORID</field></select><filter><equalto><field>RECORDNO</field><value>abc</value>"
        "</equalto></filter>",
        "<select><field>VENDORID</field></select><filter><isnull><field>NAME</field><value>x</value></isnull>"
        "</filter>",
        "<select><field>VENDORID</field></select><filter><equalto><field>A</field><value>1</value></equalto>"
        "<equalto><field>B</field><value>1</value></equalto></filter>",
        "<select><field>VENDORID</field></select><filter><sortof><field>NAME</field></sortof></filter>",
    ]
    for body in bad:
        reply = call(f"<query><object>VENDOR</object>{body}</query>")
        assert reply.result.findtext("status") == "failure", body
        assert reply.first_error()[0] in ("DL02000001", "Query Failed"), body


def test_query_in_list_limit(call: Post) -> None:
    values = "".join(f"<value>V{n}</value>" for n in range(1001))
    reply = call(f"<query><object>VENDOR</object><select><field>VENDORID</field></select>"
                 f"<filter><in><field>VENDORID</field>{values}</in></filter></query>")
    assert "1 to 1000" in reply.first_error()[1]


def test_lookup_describes_fields_and_relationships(call: Post) -> None:
    d = data(call("<lookup><object>TASK</object></lookup>").ok())
    type_el = d.find("Type")
    assert type_el.get("Name") == "TASK"
    fields = {f.findtext("ID"): f for f in type_el.find("Fields")}
    assert fields["NAME"].findtext("REQUIRED") == "true"
    assert fields["RECORDNO"].findtext("READONLY") == "true"
    assert fields["PBEGINDATE"].findtext("DATATYPE") == "DATE"
    assert [v.text for v in fields["TASKSTATUS"].find("VALIDVALUES")][:2] == ["Not Started", "Planned"]
    rels = {r.findtext("OBJECTNAME") for r in type_el.find("Relationships")}
    assert {"PROJECT", "STANDARDTASK"} <= rels


def test_inspect_all_and_detail(call: Post) -> None:
    everything = data(call("<inspect><object>*</object></inspect>").ok())
    assert {t.get("typename") for t in everything.findall("type")} >= {"APBILL", "PROJECT", "PJESTIMATE"}
    plain = data(call('<inspect detail="0"><object>VENDOR</object></inspect>').ok())
    assert plain.find("Type/Fields/Field").text == "RECORDNO"
    detail = data(call('<inspect detail="1"><object>VENDOR</object></inspect>').ok())
    names = {f.findtext("Name"): f for f in detail.find("Type/Fields")}
    assert names["VENDORID"].findtext("maxLength") == "20"
    assert names["RECORDNO"].findtext("isReadOnly") == "true"


def test_create_several_objects_of_mixed_types_with_partial_success(call: Post) -> None:
    reply = call("<create>"
                 "<CUSTOMER><CUSTOMERID>C-MIX</CUSTOMERID><NAME>Mix</NAME></CUSTOMER>"
                 "<VENDOR><VENDORID>V100</VENDORID><NAME>dup</NAME><DISPLAYCONTACT><PRINTAS>d</PRINTAS>"
                 "</DISPLAYCONTACT></VENDOR>"
                 "<STANDARDCOSTTYPE><STANDARDCOSTTYPEID>Permits</STANDARDCOSTTYPEID><NAME>Permits</NAME>"
                 "</STANDARDCOSTTYPE></create>")
    result = reply.result
    assert result.findtext("status") == "failure"
    d = result.find("data")
    assert d.get("listtype") == "objects" and d.get("count") == "2"
    assert [c.tag for c in d] == ["customer", "standardcosttype"]
    assert d.findtext("customer/CUSTOMERID") == "C-MIX"
    assert reply.first_error()[0] == "BL34000061"


def test_update_and_delete_round_trip(call: Post) -> None:
    created = call("<create><CUSTOMER><CUSTOMERID>C-UD</CUSTOMERID><NAME>Before</NAME></CUSTOMER></create>").ok()
    recordno = created.findtext("data/customer/RECORDNO")
    updated = call(f"<update><CUSTOMER><RECORDNO>{recordno}</RECORDNO><NAME>After</NAME></CUSTOMER></update>").ok()
    assert updated.find("data").get("listtype") == "objects"
    assert updated.findtext("data/customer/CUSTOMERID") == "C-UD"
    d = data(call("<readByName><object>CUSTOMER</object><keys>C-UD</keys><fields>NAME</fields></readByName>").ok())
    assert d.findtext("CUSTOMER/NAME") == "After"
    deleted = call(f"<delete><object>CUSTOMER</object><keys>{recordno}</keys></delete>").ok()
    assert deleted.find("data") is None
    reply = call(f"<delete><object>CUSTOMER</object><keys>{recordno}</keys></delete>")
    assert reply.first_error() == ("BL01001973", f"Cannot find customer with key '{recordno}' to delete.")
