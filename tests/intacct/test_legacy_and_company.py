"""dtdversion 2.1 legacy reads (get_list, get) and the discovery functions getUserPermissions/getDimensions.

Sources: reference intacct.md §1.2 (dtdversion 2.1 gives legacy functions only), §1.4(b) (a 2.1 DTD
enumeration violation: XL03000003 "XML Parse error: Error 502: Value ... for attribute object of get_list
is not among the enumerated set."), §5 (get_list answers ``<listtype start="0" end="1" total="2">class
</listtype>`` with lowercase field data), §1.6 (getUserPermissions: BL03000025 "Login ID unittest does not
exist.", correction "Provide a valid USER.LOGINID value."), §4.3 (extraction tools call getDimensions).
"""

from __future__ import annotations

from starlette.testclient import TestClient

from tests.intacct.conftest import Post


def legacy(call: Post, fn: str) -> object:
    return call(fn, dtdversion="2.1")


def test_get_list_answers_the_2_1_shape(call: Post) -> None:
    result = call('<get_list object="vendor" maxitems="2"/>', dtdversion="2.1").ok()
    listtype = result.find("listtype")
    total = len(call("<query><object>VENDOR</object><select><field>RECORDNO</field></select><pagesize>2000"
                     "</pagesize></query>").ok().findall("data/VENDOR"))
    assert (listtype.text, listtype.get("start"), listtype.get("end"), listtype.get("total")) == (
        "vendor", "0", "1", str(total))
    # The DTD orders listtype before data (result: status, function, controlid, listtype, data).
    assert [c.tag for c in result] == ["status", "function", "controlid", "listtype", "data"]
    rows = result.findall("data/vendor")
    assert len(rows) == 2 and rows[0].findtext("vendorid") and rows[0].find("displaycontact/mailaddress/city") is not None
    assert all(child.tag == child.tag.lower() for child in rows[0].iter())


def test_get_list_filters_sorts_pages_and_selects(call: Post) -> None:
    fn = ('<get_list object="project" start="1" maxitems="10"><filter><logical logical_operator="and">'
          "<expression><field>status</field><operator>=</operator><value>active</value></expression>"
          "<expression><field>projectid</field><operator>like</operator><value>100%</value></expression>"
          '</logical></filter><sorts><sortfield order="desc">projectid</sortfield></sorts>'
          "<fields><field>projectid</field><field>name</field></fields></get_list>")
    result = call(fn, dtdversion="2.1").ok()
    ids = [p.findtext("projectid") for p in result.findall("data/project")]
    everything = [p.findtext("PROJECTID") for p in call(
        "<query><object>PROJECT</object><select><field>PROJECTID</field></select><filter><and><equalto><field>"
        "STATUS</field><value>active</value></equalto><like><field>PROJECTID</field><value>100%</value></like>"
        "</and></filter><pagesize>2000</pagesize></query>").ok().findall("data/PROJECT")]
    assert ids == sorted(everything, reverse=True)[1:11]
    assert result.find("listtype").get("total") == str(len(everything))
    assert [c.tag for c in result.find("data/project")] == ["projectid", "name"]
    # It works under dtdversion 3.0 too, where legacy functions stay available.
    assert call('<get_list object="project" maxitems="1"/>').ok().find("listtype").get("end") == "0"


def test_get_list_bad_input(call: Post) -> None:
    reply = call('<get_list object="whatever"/>', dtdversion="2.1")
    assert reply.root.findtext("control/status") == "failure" and reply.root.find("operation") is None
    assert (reply.root.findtext("errormessage/error/errorno"), reply.root.findtext("errormessage/error/description2")) \
        == ("XL03000003", 'XML Parse error: Error 502: Value "whatever" for attribute object of get_list is not '
                          "among the enumerated set.")
    bad_field = call('<get_list object="vendor"><fields><field>nope</field></fields></get_list>', dtdversion="2.1")
    assert bad_field.first_error() == ("XL03000003", "Invalid field(s) nope for vendor.")
    bad_operator = call('<get_list object="vendor"><filter><expression><field>name</field><operator>~</operator>'
                        "<value>x</value></expression></filter></get_list>", dtdversion="2.1")
    assert bad_operator.first_error()[0] == "DL02000001"
    assert "maxitems must be a whole number" in call('<get_list object="vendor" maxitems="x"/>',
                                                     dtdversion="2.1").first_error()[1]
    # Attachments are not modelled: the list is empty, not an error.
    empty = call('<get_list object="supdoc"/>', dtdversion="2.1").ok()
    assert empty.find("listtype").get("total") == "0" and len(empty.find("data")) == 0


def test_get_reads_one_record_by_its_key(call: Post, client: TestClient) -> None:
    found = call('<get object="vendor" key="V100"><fields><field>vendorid</field><field>name</field></fields>'
                 "</get>", dtdversion="2.1").ok()
    assert found.findtext("data/vendor/vendorid") == "V100" and found.findtext("data/vendor/name")
    assert len(call('<get object="vendor" key="NOPE"/>', dtdversion="2.1").ok().find("data")) == 0
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"read_missing": "error"}})
    assert call('<get object="vendor" key="NOPE"/>', dtdversion="2.1").result.findtext("status") == "failure"


def test_2_1_still_refuses_generic_functions(call: Post) -> None:
    reply = call("<readByQuery><object>VENDOR</object><query/></readByQuery>", dtdversion="2.1")
    assert reply.first_error()[0] == "XL03000003" and "dtdversion 2.1" in reply.first_error()[1]
    assert call("<getDimensions/>", dtdversion="2.1").first_error()[0] == "XL03000003"


def test_get_user_permissions(call: Post, client: TestClient) -> None:
    apps = call("<getUserPermissions><userId>admin</userId></getUserPermissions>").ok().findall(
        "data/permissions/appSubscription")
    by_app = {a.findtext("applicationName"): {p.findtext("policyName"): p.findtext("rights")
                                              for p in a.findall("policies/policy")} for a in apps}
    assert by_app["Accounts Payable"]["Bills"] == "List|View|Add|Edit|Delete"
    assert call("<getUserPermissions><userId>unittest</userId></getUserPermissions>").first_error() == (
        "BL03000025", "Login ID unittest does not exist.")
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"user_permissions": {
        "admin": {"Projects": {"Projects": "List|View"}}}}})
    apps = call("<getUserPermissions><userId>admin</userId></getUserPermissions>").ok().findall(
        "data/permissions/appSubscription")
    assert [(a.findtext("applicationName"), a.findtext("policies/policy/rights")) for a in apps] == [
        ("Projects", "List|View")]


def test_get_dimensions(call: Post, client: TestClient) -> None:
    dims = call("<getDimensions/>").ok().findall("data/dimensions/dimension")
    by_name = {d.findtext("objectName"): d for d in dims}
    assert {"DEPARTMENT", "LOCATION", "PROJECT", "CUSTOMER", "VENDOR", "CLASS", "TASK", "COSTTYPE"} <= set(by_name)
    assert (by_name["DEPARTMENT"].findtext("objectLabel"), by_name["DEPARTMENT"].findtext("userDefinedDimension"),
            by_name["DEPARTMENT"].findtext("enabledInGL")) == ("Department", "false", "true")
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"dimensions": [
        {"object": "PROJECT", "term": "Job"}, {"object": "NSP::PHASE", "label": "Phase", "user_defined": True}]}})
    dims = call("<getDimensions/>").ok().findall("data/dimensions/dimension")
    assert [(d.findtext("objectName"), d.findtext("termLabel"), d.findtext("userDefinedDimension")) for d in dims] == [
        ("PROJECT", "Job", "false"), ("NSP::PHASE", "Phase", "true")]
