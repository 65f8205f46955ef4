"""The gateway's envelope, authentication, sessions, multi-function requests and failure levels."""

from __future__ import annotations

from lxml import etree
from starlette.testclient import TestClient

from simulator.clock import Clock
from tests.intacct.conftest import URL, Post, envelope

VENDOR = ("<create><VENDOR><VENDORID>{id}</VENDORID><NAME>{name}</NAME>"
          "<DISPLAYCONTACT><PRINTAS>{name}</PRINTAS></DISPLAYCONTACT></VENDOR></create>")


def vendor(vid: str, name: str = "Test Vendor") -> str:
    return VENDOR.format(id=vid, name=name)


def read_vendor(vid: str) -> str:
    return f"<readByName><object>VENDOR</object><keys>{vid}</keys><fields>VENDORID,NAME</fields></readByName>"


# -- envelope ----------------------------------------------------------------------


def test_success_envelope_echoes_control_and_function(post: Post) -> None:
    reply = post("<getAPISession/>", controlids=["my-func-1"])
    assert reply.status_code == 200
    control = reply.root.find("control")
    assert [c.tag for c in control] == ["status", "senderid", "controlid", "uniqueid", "dtdversion"]
    assert control.findtext("status") == "success"
    assert control.findtext("senderid") == "erpsim"
    assert control.find("password") is None
    auth = reply.root.find("operation/authentication")
    assert [c.tag for c in auth] == ["status", "userid", "companyid", "locationid", "sessiontimestamp",
                                     "sessiontimeout"]
    assert auth.findtext("sessiontimeout").endswith("+00:00")
    result = reply.ok()
    assert result.findtext("function") == "getAPISession"
    assert result.findtext("controlid") == "my-func-1"


def test_get_api_session_returns_this_servers_endpoint(post: Post) -> None:
    api = post("<getAPISession/>").ok().find("data/api")
    assert api.findtext("endpoint") == "http://testserver/ia/xml/xmlgw.phtml"
    assert api.findtext("sessionid").endswith("..")


def test_includewhitespace_controls_pretty_printing(client: TestClient) -> None:
    compact = client.post(URL, content=envelope("<getAPISession/>", whitespace=False)).text
    pretty = client.post(URL, content=envelope("<getAPISession/>", whitespace=True)).text
    assert "\n  <control>" in pretty and "\n  <control>" not in compact


def test_response_is_xml_whatever_the_request_content_type(client: TestClient) -> None:
    response = client.post(URL, content=envelope("<getAPISession/>"),
                           headers={"content-type": "x-intacct-xml-request"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/xml")


# -- sender, login, session -----------------------------------------------------------


def test_bad_sender_is_a_control_failure_with_no_operation(post: Post) -> None:
    reply = post("<getAPISession/>", sender=("erpsim", "nope"))
    assert reply.status_code == 200
    assert reply.root.findtext("control/status") == "failure"
    assert reply.root.find("operation") is None
    assert reply.errors(reply.root) == [("XL03000006", "Incorrect Intacct XML Partner ID or password.")]


def test_unknown_company_is_invalid_request(post: Post) -> None:
    reply = post("<getAPISession/>", login=("admin", "NOSUCH", "admin"))
    assert reply.status_code == 400
    assert reply.root.findtext("errormessage/error/errorno") == "invalidRequest"


def test_bad_user_password_answers_401_by_default(post: Post) -> None:
    reply = post("<getAPISession/>", login=("admin", "DEMO", "wrong"))
    assert reply.status_code == 401
    assert reply.root.findtext("control/status") == "failure"
    error = reply.root.find("errormessage/error")
    assert error.findtext("errorno") == "XMLGW_JPP0002"
    assert error.findtext("description") == "Sign-in information is incorrect. Please check your request."


def test_bad_user_password_as_authentication_failure_when_configured(client: TestClient, post: Post) -> None:
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"bad_login": "auth_failure"}})
    reply = post("<getAPISession/>", login=("admin", "DEMO", "wrong"))
    assert reply.status_code == 200
    assert reply.root.findtext("control/status") == "success"
    assert reply.root.findtext("operation/authentication/status") == "failure"
    assert reply.root.find("operation/result") is None
    assert reply.errors(reply.root.find("operation")) == [("XL03000006", "Sign-in information is incorrect")]


def test_sender_not_authorized_for_company(client: TestClient, post: Post) -> None:
    client.patch("/_erpsim/tenants/demo/config", json={"intacct": {"authorized_senders": []}})
    reply = post("<getAPISession/>")
    error = reply.root.find("operation/errormessage/error")
    assert error.findtext("description") == "Invalid Web Services Authorization"
    assert "is not authorized to make Web Services requests to company ID 'DEMO'" in error.findtext("description2")


def test_session_authenticates_later_requests(call: Post) -> None:
    assert call(vendor("V-S1")).ok().find("data/vendor/VENDORID").text == "V-S1"


def test_unknown_session_fails_authentication(post: Post) -> None:
    reply = post(read_vendor("V100"), session="bogus..")
    assert reply.root.findtext("operation/authentication/status") == "failure"
    errorno, text = reply.errors(reply.root.find("operation"))[0]
    assert errorno == "XL03000006" and text.startswith("Invalid session")


def test_session_times_out_and_every_call_slides_it(post: Post, clock: Clock, session: str) -> None:
    minutes = 130
    clock.advance((minutes - 10) * 60)
    assert post(read_vendor("V100"), session=session).ok() is not None  # slides the timeout
    clock.advance((minutes - 10) * 60)
    assert post(read_vendor("V100"), session=session).ok() is not None
    clock.advance((minutes + 1) * 60)
    expired = post(read_vendor("V100"), session=session)
    assert expired.root.findtext("operation/authentication/status") == "failure"


def test_login_without_get_api_session_leaves_no_session(post: Post, store) -> None:  # type: ignore[no-untyped-def]
    before = store.execute("SELECT COUNT(*) FROM sessions").fetchone()[0]
    post(read_vendor("V100"))
    assert store.execute("SELECT COUNT(*) FROM sessions").fetchone()[0] == before


# -- several functions, transactions, uniqueid ----------------------------------------


def test_several_functions_answer_in_order_with_mixed_status(call: Post) -> None:
    reply = call(vendor("V-M1"), vendor("V100"), vendor("V-M2"), controlids=["a", "b", "c"])
    statuses = [(r.findtext("controlid"), r.findtext("status")) for r in reply.results]
    assert statuses == [("a", "success"), ("b", "failure"), ("c", "success")]
    errors = reply.errors(reply.results[1])
    assert errors[0] == ("BL34000061", "Another Vendor with the given value(s) V100  already exists")
    assert errors[1] == ("BL01001973", "Could not create vendor record!")
    assert call(read_vendor("V-M1,V-M2")).ok().find("data").get("count") == "2"


def test_transaction_rolls_back_everything_and_marks_the_rest_aborted(call: Post) -> None:
    reply = call(vendor("V-T1"), vendor("V100"), vendor("V-T2"), transaction=True)
    assert [r.findtext("status") for r in reply.results] == ["aborted", "failure", "aborted"]
    for result in reply.results:
        assert ("XL03000009", "The entire transaction in this operation has been rolled back due to an error.") \
            in reply.errors(result)
    assert call(read_vendor("V-T1")).ok().find("data").get("count") == "0"


def test_transaction_that_succeeds_commits(call: Post) -> None:
    reply = call(vendor("V-T3"), vendor("V-T4"), transaction=True)
    assert [r.findtext("status") for r in reply.results] == ["success", "success"]
    assert call(read_vendor("V-T3,V-T4")).ok().find("data").get("count") == "2"


def test_uniqueid_refuses_a_repeated_write_controlid(call: Post) -> None:
    first = call(vendor("V-U1"), uniqueid=True, controlids=["create-v-u1"])
    assert first.ok() is not None
    again = call(vendor("V-U1"), uniqueid=True, controlids=["create-v-u1"])
    errorno, text = again.first_error()
    assert errorno == "BL01001973" and "already executed" in text
    # With uniqueid=false the same controlid may repeat (the duplicate ID is then what fails).
    repeat = call(vendor("V-U2"), uniqueid=False, controlids=["create-v-u1"])
    assert repeat.ok() is not None


def test_uniqueid_allows_retry_of_a_failed_function(call: Post) -> None:
    failed = call(vendor("V100"), uniqueid=True, controlids=["retry-me"])
    assert failed.result.findtext("status") == "failure"
    assert call(vendor("V-U3"), uniqueid=True, controlids=["retry-me"]).ok() is not None


# -- bad input -----------------------------------------------------------------------


def raw(post: Post, body: bytes) -> tuple[int, etree._Element]:
    reply = post(raw=body)
    return reply.status_code, reply.root


def test_malformed_xml_is_a_parse_error(post: Post) -> None:
    status, root = raw(post, b"<request><control><senderid>x</control></request>")
    assert status == 200
    assert root.findtext("control/status") == "failure"
    error = root.find("errormessage/error")
    assert error.findtext("errorno") == "XL03000003"
    assert error.findtext("description2").startswith("XML Parse schema error: Fatal Error 76: Opening and ending tag "
                                                     "mismatch")


def test_empty_body_is_a_parse_error(post: Post) -> None:
    status, root = raw(post, b"")
    assert root.findtext("errormessage/error/errorno") == "XL03000003"


def test_dtd_and_entities_are_refused_without_expansion(post: Post, store) -> None:  # type: ignore[no-untyped-def]
    laughs = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
    ]><request><control><senderid>&lol2;</senderid></control></request>"""
    external = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
    <request><control><senderid>&x;</senderid></control></request>"""
    for body in (laughs, external):
        status, root = raw(post, body)
        assert status == 200
        error = root.find("errormessage/error")
        assert error.findtext("errorno") == "XL03000003"
        assert "not allowed" in error.findtext("description2")
        assert b"root:" not in etree.tostring(root)


def test_oversized_body_is_refused_with_a_gateway_error(client: TestClient) -> None:
    body = envelope("<getAPISession/>").replace(b"<content>", b"<content>" + b" " * (4 * 1024 * 1024 + 1))
    response = client.post(URL, content=body)
    assert response.status_code == 413
    root = etree.fromstring(response.content)
    assert root.findtext("errormessage/error/errorno") == "GW-0011"


def test_get_is_refused_in_gateway_shape(client: TestClient) -> None:
    response = client.get(URL)
    assert response.status_code == 405
    assert etree.fromstring(response.content).findtext("errormessage/error/errorno") == "GW-0011"


def test_missing_control_parts_are_schema_errors(post: Post) -> None:
    status, root = raw(post, b"<request><operation/></request>")
    assert "Expected is ( control )" in root.findtext("errormessage/error/description2")
    status, root = raw(post, b"<request><control><senderid>erpsim</senderid></control></request>")
    assert "Expected is ( controlid )" in root.findtext("errormessage/error/description2")
    status, root = raw(post, b"<notarequest/>")
    assert root.findtext("errormessage/error/errorno") == "XL03000003"


def test_bad_dtdversion_and_policyid(post: Post) -> None:
    body = envelope("<getAPISession/>", dtdversion="9.9")
    assert raw(post, body)[1].findtext("errormessage/error/errorno") == "XL03000003"
    body = envelope("<getAPISession/>").replace(b"<dtdversion>", b"<policyid>test</policyid><dtdversion>")
    status, root = raw(post, body)
    assert root.findtext("errormessage/error/description2") == "test is not a valid transport policy."


def test_generic_functions_need_dtd_3(post: Post) -> None:
    reply = post(read_vendor("V100"), dtdversion="2.1")
    assert reply.first_error()[0] == "XL03000003"


def test_unknown_function_and_object(call: Post) -> None:
    reply = call("<frobnicate><object>VENDOR</object></frobnicate>")
    assert reply.first_error()[0] == "XL03000003"
    assert "frobnicate" in reply.first_error()[1]
    reply = call("<read><object>VENDOR2</object><keys>1</keys></read>")
    assert reply.first_error()[1] == "Object definition VENDOR2 not found"
    reply = call("<readByQuery><object>BADOBJECT</object><query/></readByQuery>")
    assert reply.first_error() == ("Query Failed", "Object definition BADOBJECT not found")


def test_wrong_type_missing_required_and_bad_date(call: Post) -> None:
    reply = call("<create><VENDOR><VENDORID>V-W1</VENDORID><NAME>x</NAME><CREDITLIMIT>lots</CREDITLIMIT>"
                 "<DISPLAYCONTACT><PRINTAS>x</PRINTAS></DISPLAYCONTACT></VENDOR></create>")
    assert reply.first_error()[0] == "BL03000018"
    assert "'lots' is not a valid number" in reply.first_error()[1]
    reply = call("<create><VENDOR><VENDORID>V-W2</VENDORID><DISPLAYCONTACT><PRINTAS>x</PRINTAS></DISPLAYCONTACT>"
                 "</VENDOR></create>")
    assert reply.first_error() == ("BL01001973", "Required field NAME is missing.")
    reply = call("<create><PROJECT><PROJECTID>P-W</PROJECTID><NAME>x</NAME><PROJECTCATEGORY>Contract"
                 "</PROJECTCATEGORY><BEGINDATE>2026-03-01</BEGINDATE></PROJECT></create>")
    assert "is not a valid date. Use the format mm/dd/yyyy." in reply.first_error()[1]
    reply = call("<create><PROJECT><PROJECTID>P-W</PROJECTID><NAME>x</NAME><PROJECTCATEGORY>Contract"
                 "</PROJECTCATEGORY><BEGINDATE>02/30/2026</BEGINDATE></PROJECT></create>")
    assert "'02/30/2026' is not a valid date" in reply.first_error()[1]
    reply = call("<create><VENDOR><VENDORID>V-W3</VENDORID><NAME>x</NAME><NOSUCHFIELD>1</NOSUCHFIELD>"
                 "<DISPLAYCONTACT><PRINTAS>x</PRINTAS></DISPLAYCONTACT></VENDOR></create>")
    assert reply.first_error()[1] == "NOSUCHFIELD is not a valid field of VENDOR."
    reply = call("<create><VENDOR><VENDORID>V-W4</VENDORID><NAME>x</NAME><ONHOLD>maybe</ONHOLD>"
                 "<DISPLAYCONTACT><PRINTAS>x</PRINTAS></DISPLAYCONTACT></VENDOR></create>")
    assert "not a valid boolean" in reply.first_error()[1]
    reply = call(vendor("V-W5" + "X" * 30))
    assert "too long" in reply.first_error()[1]
    # None of them left anything behind.
    assert call("<query><object>VENDOR</object><select><field>VENDORID</field></select><filter><like>"
                "<field>VENDORID</field><value>V-W%</value></like></filter></query>").ok().find("data").get(
        "totalcount") == "0"


def test_oversized_pagesize(call: Post) -> None:
    reply = call("<query><object>VENDOR</object><select><field>VENDORID</field></select>"
                 "<pagesize>2001</pagesize></query>")
    assert "pagesize must be a whole number from 1 to 2000" in reply.first_error()[1]
    reply = call("<readByQuery><object>VENDOR</object><query/><pagesize>1001</pagesize></readByQuery>")
    assert "from 1 to 1000" in reply.first_error()[1]


def test_every_error_carries_a_description2(call: Post) -> None:
    """The published Python client crashes on a 200 error without description2."""
    bad = [
        "<read><object>VENDOR</object><keys>1</keys><fields>NOPE</fields></read>",
        "<delete><object>VENDOR</object><keys>999999</keys></delete>",
        "<update><VENDOR><VENDORID>NOPE</VENDORID><NAME>x</NAME></VENDOR></update>",
        "<readMore><resultId>bad</resultId></readMore>",
    ]
    for fn in bad:
        for error in call(fn).result.iter("error"):
            assert (error.findtext("description2") or "").strip(), etree.tostring(error).decode()
