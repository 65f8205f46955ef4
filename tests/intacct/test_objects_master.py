"""Master data over the wire: VENDOR, CUSTOMER, PROJECT, TASK, STANDARDTASK, STANDARDCOSTTYPE, COSTTYPE.

Each rule is checked the way a client meets it: the result status, the
errorno and description2, then the records read back.
"""

from __future__ import annotations

from .helpers import Api, api, failed, lines  # noqa: F401  (api is a fixture)

GENERIC = "Could not create {} record!"


def vendor(vendor_id: str = "V900", name: str = "Granite Supply", **extra: object) -> dict[str, object]:
    return {"VENDORID": vendor_id, "NAME": name, "DISPLAYCONTACT": {"PRINTAS": name}, **extra}


def bill_for(api: Api, vendor_id: str, **line: str) -> str:
    return api.created("APBILL", {
        "VENDORID": vendor_id, "WHENCREATED": "03/01/2026", "WHENDUE": "03/31/2026",
        "APBILLITEMS": {"APBILLITEM": [{"ACCOUNTNO": "5200", "TRX_AMOUNT": "100.00", **line}]},
    })


# -- VENDOR -------------------------------------------------------------------------


def test_vendor_create_derives_contact_name_status_and_due(api: Api) -> None:
    recordno = api.created("VENDOR", vendor())
    row = api.named("VENDOR", "V900")
    assert row["RECORDNO"] == recordno
    assert row["DISPLAYCONTACT"]["CONTACTNAME"] == "Granite Supply(VV900)"
    assert row["DISPLAYCONTACT"]["PRINTAS"] == "Granite Supply"
    assert (row["STATUS"], row["TOTALDUE"]) == ("active", "0.00")
    assert api.get("VENDOR", recordno)["VENDORID"] == "V900"


def test_vendor_required_fields(api: Api) -> None:
    for missing, fields in (("NAME", {"VENDORID": "V901", "DISPLAYCONTACT": {"PRINTAS": "x"}}),
                            ("VENDORID", {"NAME": "No Id", "DISPLAYCONTACT": {"PRINTAS": "x"}}),
                            ("DISPLAYCONTACT.PRINTAS", {"VENDORID": "V901", "NAME": "No Print"})):
        errorno, message = failed(api.create("VENDOR", fields), GENERIC.format("vendor"))
        assert (errorno, message) == ("BL01001973", f"Required field {missing} is missing.")
    assert api.by_name("VENDOR", "V901") is None


def test_vendor_max_length_and_formats(api: Api) -> None:
    errorno, message = failed(api.create("VENDOR", vendor("V" * 21)), GENERIC.format("vendor"))
    assert errorno == "BL03000018"
    assert "at most 20" in message
    assert api.created("VENDOR", vendor("V" * 20))
    errorno, message = failed(api.create("VENDOR", vendor("V902", PAYMENTPRIORITY="Whenever")))
    assert errorno == "BL03000018" and "Whenever" in message
    errorno, message = failed(api.create("VENDOR", vendor("V902", RETAINAGEPERCENTAGE="120")))
    assert errorno == "BL03000018" and "between 0.00 and 100.00" in message
    errorno, message = failed(api.create("VENDOR", vendor("V902", BOGUS="1")))
    assert message == "BOGUS is not a valid field of VENDOR."
    assert api.by_name("VENDOR", "V902") is None


def test_vendor_duplicate_has_the_two_space_message(api: Api) -> None:
    reply = api.create("VENDOR", vendor("V100", "Again"))
    assert failed(reply, GENERIC.format("vendor")) == (
        "BL34000061", "Another Vendor with the given value(s) V100  already exists")
    assert reply.result.findtext("errormessage/error/correction") == "Use a unique value instead."
    assert api.named("VENDOR", "V100")["NAME"] == "Flores PLC"


def test_vendor_parent_reference_rules(api: Api) -> None:
    api.created("VENDOR", vendor("V900", PARENTID="V100"))
    row = api.named("VENDOR", "V900")
    assert (row["PARENTID"], row["PARENTKEY"], row["PARENTNAME"]) == (
        "V100", api.named("VENDOR", "V100")["RECORDNO"], "Flores PLC")
    assert failed(api.create("VENDOR", vendor("V901", PARENTID="NOPE")), GENERIC.format("vendor")) == (
        "BL01001973", "Invalid Vendor 'NOPE' specified.")
    # V123 is inactive in the demo company: inactive records cannot be referenced.
    assert failed(api.create("VENDOR", vendor("V901", PARENTID="V123")))[1] == "Invalid Vendor 'V123' specified."
    assert "own parent" in failed(api.create("VENDOR", vendor("V901", PARENTID="V901")))[1]


def test_vendor_update_by_id_and_by_recordno(api: Api) -> None:
    recordno = api.named("VENDOR", "V100")["RECORDNO"]
    assert api.updated("VENDOR", {"VENDORID": "V100", "NAME": "Flores Renamed"}) == recordno
    assert api.named("VENDOR", "V100")["NAME"] == "Flores Renamed"
    api.updated("VENDOR", {"RECORDNO": recordno, "TERMNAME": "N30", "DISPLAYCONTACT": {"EMAIL1": "ap@flores.example"}})
    row = api.named("VENDOR", "V100")
    assert (row["TERMNAME"], row["DISPLAYCONTACT"]["EMAIL1"], row["NAME"]) == (
        "N30", "ap@flores.example", "Flores Renamed")
    # The unchanged required contact survives a partial update.
    assert row["DISPLAYCONTACT"]["PRINTAS"] == "Flores PLC"


def test_vendor_update_missing_and_id_change(api: Api) -> None:
    errorno, message = failed(api.update("VENDOR", {"VENDORID": "NOPE", "NAME": "x"}))
    assert errorno == "Cannot update non-existing VENDOR with VENDORID=NOPE."
    assert message == errorno
    errorno, _ = failed(api.update("VENDOR", {"RECORDNO": "99999", "NAME": "x"}))
    assert errorno == "Cannot update non-existing VENDOR with RECORDNO=99999."
    recordno = api.named("VENDOR", "V100")["RECORDNO"]
    assert "cannot be changed" in failed(api.update("VENDOR", {"RECORDNO": recordno, "VENDORID": "V999"}),
                                         "Could not update vendor record!")[1]
    assert "Provide RECORDNO or VENDORID" in failed(api.update("VENDOR", {"NAME": "Nobody"}))[1]
    errorno, message = failed(api.update("VENDOR", {"VENDORID": "V100", "NAME": ""}))
    assert message == "Required field NAME is missing."
    assert api.named("VENDOR", "V100")["NAME"] == "Flores PLC"


def test_vendor_inactive_status_and_parent_cycle(api: Api) -> None:
    api.updated("VENDOR", {"VENDORID": "V101", "STATUS": "inactive"})
    assert api.named("VENDOR", "V101")["STATUS"] == "inactive"
    inactive = api.read_by_query("VENDOR", "STATUS = 'F'", fields="VENDORID")
    assert sorted(r["VENDORID"] for r in inactive) == ["V101", "V123"]
    # A parent chain cannot loop back on itself.
    api.updated("VENDOR", {"VENDORID": "V102", "PARENTID": "V103"})
    message = failed(api.update("VENDOR", {"VENDORID": "V103", "PARENTID": "V102"}))[1]
    assert message == "Vendor 'V102' cannot be the parent of 'V103': it is one of its descendants."


def test_vendor_delete_missing_unused_and_in_use(api: Api) -> None:
    assert failed(api.delete("VENDOR", "99999")) == ("BL01001973", "Cannot find vendor with key '99999' to delete.")
    recordno = api.created("VENDOR", vendor())
    api.delete("VENDOR", recordno).ok()
    assert api.by_name("VENDOR", "V900") is None
    assert api.read("VENDOR", recordno) is None

    bill_for(api, "V100")
    used = api.named("VENDOR", "V100")["RECORDNO"]
    errorno, message = failed(api.delete("VENDOR", used), "Could not delete vendor record!")
    assert message.startswith("Vendor 'V100' cannot be deleted because Bill")
    assert api.by_name("VENDOR", "V100") is not None


def test_several_vendors_in_one_create_may_partly_succeed(api: Api) -> None:
    reply = api.post("<create>" + "".join(
        f"<VENDOR><VENDORID>{vid}</VENDORID><NAME>{vid} Co</NAME><DISPLAYCONTACT><PRINTAS>{vid} Co</PRINTAS>"
        "</DISPLAYCONTACT></VENDOR>" for vid in ("V900", "V100", "V901")) + "</create>")
    result = reply.result
    assert result.findtext("status") == "failure"
    assert [el.findtext("VENDORID") for el in result.findall("data/vendor")] == ["V900", "V901"]
    assert result.find("data").get("count") == "2"
    assert reply.errors()[0] == ("BL34000061", "Another Vendor with the given value(s) V100  already exists")
    assert api.by_name("VENDOR", "V900") is not None and api.by_name("VENDOR", "V901") is not None


def test_vendor_delete_of_several_keys_is_all_or_nothing(api: Api) -> None:
    first = api.created("VENDOR", vendor("V900"))
    failed(api.delete("VENDOR", f"{first},99999"))
    assert api.by_name("VENDOR", "V900") is not None


# -- CUSTOMER -----------------------------------------------------------------------


def test_customer_create_read_and_rules(api: Api) -> None:
    recordno = api.created("CUSTOMER", {"CUSTOMERID": "C900", "NAME": "Lakeside Partners"})
    row = api.get("CUSTOMER", recordno)
    assert row["DISPLAYCONTACT"]["CONTACTNAME"] == "Lakeside Partners(CC900)"
    assert (row["STATUS"], row["TOTALDUE"]) == ("active", "0.00")
    assert failed(api.create("CUSTOMER", {"CUSTOMERID": "C900", "NAME": "Again"}), GENERIC.format("customer")) == (
        "BL34000061", "Another Customer with the given value(s) C900  already exists")
    assert failed(api.create("CUSTOMER", {"CUSTOMERID": "C901"}))[1] == "Required field NAME is missing."
    assert failed(api.create("CUSTOMER", {"CUSTOMERID": "C" * 22, "NAME": "Long"}))[0] == "BL03000018"
    api.created("CUSTOMER", {"CUSTOMERID": "C" * 21, "NAME": "Long"})
    api.created("CUSTOMER", {"CUSTOMERID": "C902", "NAME": "Child", "PARENTID": "C900"})
    assert api.named("CUSTOMER", "C902")["PARENTNAME"] == "Lakeside Partners"
    assert failed(api.create("CUSTOMER", {"CUSTOMERID": "C903", "NAME": "x", "PARENTID": "NOPE"}))[1] == (
        "Invalid Customer 'NOPE' specified.")


def test_customer_update_and_delete(api: Api) -> None:
    api.updated("CUSTOMER", {"CUSTOMERID": "C104", "NAME": "Mueller Holdings"})
    assert api.named("CUSTOMER", "C104")["NAME"] == "Mueller Holdings"
    assert failed(api.update("CUSTOMER", {"CUSTOMERID": "C999", "NAME": "x"}))[0] == (
        "Cannot update non-existing CUSTOMER with CUSTOMERID=C999.")
    # C100 is the customer of project 1001.
    in_use = api.named("CUSTOMER", "C100")["RECORDNO"]
    message = failed(api.delete("CUSTOMER", in_use), "Could not delete customer record!")[1]
    assert message.startswith("Customer 'C100' cannot be deleted because Project")
    unused = api.named("CUSTOMER", "C104")["RECORDNO"]
    api.delete("CUSTOMER", unused).ok()
    assert api.by_name("CUSTOMER", "C104") is None
    assert failed(api.delete("CUSTOMER", unused))[1] == f"Cannot find customer with key '{unused}' to delete."


# -- PROJECT ------------------------------------------------------------------------


def project(project_id: str = "2001", **extra: object) -> dict[str, object]:
    return {"PROJECTID": project_id, "NAME": "Harbor Pavilion", "PROJECTCATEGORY": "Contract", **extra}


def test_project_create_derives_customer_parent_and_currency(api: Api) -> None:
    recordno = api.created("PROJECT", project(CUSTOMERID="C100", PARENTID="1001", BEGINDATE="02/01/2026",
                                              ENDDATE="12/31/2026", PROJECTSTATUS="In Progress"))
    row = api.get("PROJECT", recordno)
    assert (row["CUSTOMERID"], row["CUSTOMERKEY"], row["CUSTOMERNAME"]) == (
        "C100", api.named("CUSTOMER", "C100")["RECORDNO"], "Smith Group")
    assert (row["PARENTID"], row["PARENTNAME"]) == ("1001", "Kristinberg Medical Office")
    assert row["PARENTKEY"] == api.named("PROJECT", "1001")["RECORDNO"]
    assert (row["CURRENCY"], row["STATUS"], row["PROJECTCATEGORY"]) == ("USD", "active", "Contract")
    assert (row["BEGINDATE"], row["ENDDATE"]) == ("02/01/2026", "12/31/2026")


def test_project_required_fields_and_formats(api: Api) -> None:
    assert failed(api.create("PROJECT", {"PROJECTID": "2001", "NAME": "x"}), GENERIC.format("project")) == (
        "BL01001973", "Required field PROJECTCATEGORY is missing.")
    assert failed(api.create("PROJECT", {"PROJECTID": "2001", "PROJECTCATEGORY": "Contract"}))[1] == (
        "Required field NAME is missing.")
    errorno, message = failed(api.create("PROJECT", project(PROJECTCATEGORY="Billable")))
    assert errorno == "BL03000018" and "Billable" in message
    errorno, message = failed(api.create("PROJECT", project(BEGINDATE="2026-02-01")))
    assert errorno == "BL03000018" and "mm/dd/yyyy" in message
    assert failed(api.create("PROJECT", project("P" * 21)))[0] == "BL03000018"
    assert "ENDDATE" in failed(api.create("PROJECT", project(BEGINDATE="02/01/2026", ENDDATE="01/01/2026")))[1]
    assert "Project Status 'Paused'" in failed(api.create("PROJECT", project(PROJECTSTATUS="Paused")))[1]
    assert api.by_name("PROJECT", "2001") is None


def test_project_duplicate_and_references(api: Api) -> None:
    reply = api.create("PROJECT", project("1001"))
    assert failed(reply, GENERIC.format("project")) == (
        "BL34000061", "Another Project with the given value(s) 1001  already exists")
    assert failed(api.create("PROJECT", project(CUSTOMERID="NOPE")))[1] == "Invalid Customer 'NOPE' specified."
    assert failed(api.create("PROJECT", project(PARENTID="NOPE")))[1] == "Invalid Project 'NOPE' specified."
    api.created("PROJECT", project("2002", STATUS="inactive"))
    assert failed(api.create("PROJECT", project(PARENTID="2002")))[1] == "Invalid Project '2002' specified."
    assert "own parent" in failed(api.create("PROJECT", project(PARENTID="2001")))[1]


def test_project_update_by_id_recordno_and_missing(api: Api) -> None:
    api.updated("PROJECT", {"PROJECTID": "1003", "PROJECTSTATUS": "On Hold", "DESCRIPTION": "Paused for permits"})
    row = api.named("PROJECT", "1003")
    assert (row["PROJECTSTATUS"], row["DESCRIPTION"], row["NAME"]) == (
        "On Hold", "Paused for permits", "North Connie Warehouse")
    api.updated("PROJECT", {"RECORDNO": row["RECORDNO"], "CUSTOMERID": "C104"})
    assert api.named("PROJECT", "1003")["CUSTOMERNAME"] == "Mueller LLC"
    assert failed(api.update("PROJECT", {"PROJECTID": "9999", "NAME": "x"}))[0] == (
        "Cannot update non-existing PROJECT with PROJECTID=9999.")
    assert failed(api.update("PROJECT", {"PROJECTID": "1003", "CUSTOMERID": "NOPE"}),
                  "Could not update project record!")[1] == "Invalid Customer 'NOPE' specified."


def test_project_parent_cycle_is_refused(api: Api) -> None:
    api.created("PROJECT", project("2001", PARENTID="1001"))
    message = failed(api.update("PROJECT", {"PROJECTID": "1001", "PARENTID": "2001"}))[1]
    assert "parent" in message
    assert api.named("PROJECT", "1001")["PARENTID"] == ""


def test_project_delete_in_use_and_unused(api: Api) -> None:
    used = api.named("PROJECT", "1001")["RECORDNO"]
    message = failed(api.delete("PROJECT", used), "Could not delete project record!")[1]
    assert message.startswith("Project '1001' cannot be deleted because Task")
    recordno = api.created("PROJECT", project())
    api.delete("PROJECT", recordno).ok()
    assert api.by_name("PROJECT", "2001") is None
    assert failed(api.delete("PROJECT", recordno))[1] == f"Cannot find project with key '{recordno}' to delete."


# -- TASK ---------------------------------------------------------------------------


def task(task_id: str | None = "99-100", project_id: str = "1001", **extra: object) -> dict[str, object]:
    fields: dict[str, object] = {"NAME": "Punch List", "PROJECTID": project_id, "TASKSTATUS": "Planned", **extra}
    if task_id is not None:
        fields["TASKID"] = task_id
    return fields


def test_task_create_derives_project_and_dates(api: Api) -> None:
    recordno = api.created("TASK", task(STANDARDTASKID="01-700"))
    row = api.get("TASK", recordno)
    project_row = api.named("PROJECT", "1001")
    assert (row["PROJECTKEY"], row["PROJECTNAME"]) == (project_row["RECORDNO"], "Kristinberg Medical Office")
    assert (row["PBEGINDATE"], row["PENDDATE"]) == (project_row["BEGINDATE"], project_row["ENDDATE"])
    assert row["STANDARDTASKKEY"] == api.named("STANDARDTASK", "01-700")["RECORDNO"]
    assert row["TASKSTATUS"] == "Planned"


def test_task_id_defaults_to_record_number(api: Api) -> None:
    recordno = api.created("TASK", task(None))
    assert api.get("TASK", recordno)["TASKID"] == recordno


def test_task_required_fields(api: Api) -> None:
    for missing in ("NAME", "PROJECTID", "TASKSTATUS"):
        fields = task("99-101")
        del fields[missing]
        assert failed(api.create("TASK", fields), GENERIC.format("task")) == (
            "BL01001973", f"Required field {missing} is missing.")
    assert failed(api.create("TASK", task("T" * 21)))[0] == "BL03000018"
    errorno, message = failed(api.create("TASK", task(TASKSTATUS="Done")))
    assert errorno == "BL03000018" and "Not Started" in message
    assert api.where("TASK", ["TASKID"], PROJECTID="1001", TASKID="99-101") == []


def test_task_id_is_unique_per_project_only(api: Api) -> None:
    assert failed(api.create("TASK", task("03-300")), GENERIC.format("task")) == (
        "BL34000061", "Another Task with the given value(s) 03-300  already exists")
    # 03-300 is a task of 1001 only; 1003 may have its own.
    api.created("TASK", task("03-300", "1003"))
    assert len(api.where("TASK", ["RECORDNO"], TASKID="03-300")) == 2


def test_task_project_references(api: Api) -> None:
    assert failed(api.create("TASK", task(project_id="NOPE")), GENERIC.format("task")) == (
        "BL01001973", "Invalid Project 'NOPE' specified.")
    api.created("PROJECT", project("2002", STATUS="inactive"))
    assert failed(api.create("TASK", task(project_id="2002")))[1] == "Invalid Project '2002' specified."
    assert failed(api.create("TASK", task(STANDARDTASKID="NOPE")))[1] == "Invalid Standard Task 'NOPE' specified."
    assert failed(api.create("TASK", task(ITEMID="NOPE")))[1] == "Invalid Item 'NOPE' specified."


def test_task_parent_and_root(api: Api) -> None:
    top = api.get("TASK", api.created("TASK", task("99-100")))
    middle = api.get("TASK", api.created("TASK", task("99-110", PARENTKEY=top["RECORDNO"])))
    leaf = api.get("TASK", api.created("TASK", task("99-111", PARENTKEY=middle["RECORDNO"])))
    assert (leaf["PARENTID"], leaf["PARENTTASKNAME"]) == ("99-110", "Punch List")
    assert (leaf["ROOTPARENTKEY"], leaf["ROOTPARENTID"]) == (top["RECORDNO"], "99-100")
    other_project = api.where("TASK", ["RECORDNO"], PROJECTID="1002")[0]["RECORDNO"]
    message = failed(api.create("TASK", task("99-112", PARENTKEY=other_project)))[1]
    assert message == f"Parent task {other_project} is not a task of project 1001."


def test_task_update_by_recordno_only(api: Api) -> None:
    recordno = api.created("TASK", task())
    api.updated("TASK", {"RECORDNO": recordno, "TASKSTATUS": "In Progress", "DESCRIPTION": "Final walk"})
    row = api.get("TASK", recordno)
    assert (row["TASKSTATUS"], row["DESCRIPTION"], row["NAME"]) == ("In Progress", "Final walk", "Punch List")
    assert "Provide RECORDNO" in failed(api.update("TASK", {"TASKID": "99-100", "NAME": "x"}))[1]
    assert failed(api.update("TASK", {"RECORDNO": "99999", "NAME": "x"}))[0] == (
        "Cannot update non-existing TASK with RECORDNO=99999.")
    assert "another project" in failed(api.update("TASK", {"RECORDNO": recordno, "PROJECTID": "1002"}))[1]
    assert api.get("TASK", recordno)["PROJECTID"] == "1001"
    # Renaming onto a sibling's TASKID is a duplicate.
    assert failed(api.update("TASK", {"RECORDNO": recordno, "TASKID": "03-300"}))[0] == "BL34000061"


def test_task_has_no_read_by_name(api: Api) -> None:
    reply = api.post("<readByName><object>TASK</object><keys>03-300</keys></readByName>")
    assert "readByName is not available for TASK" in failed(reply)[1]


def test_task_delete_rules(api: Api) -> None:
    # 03-300 on 1001 carries cost types.
    used = api.where("TASK", ["RECORDNO"], PROJECTID="1001", TASKID="03-300")[0]["RECORDNO"]
    message = failed(api.delete("TASK", used), "Could not delete task record!")[1]
    assert message.startswith("Task '03-300' of project '1001' cannot be deleted because Cost Type")
    recordno = api.created("TASK", task())
    api.delete("TASK", recordno).ok()
    assert api.read("TASK", recordno) is None
    assert failed(api.delete("TASK", recordno))[1] == f"Cannot find task with key '{recordno}' to delete."


# -- STANDARDTASK -------------------------------------------------------------------


def test_standard_task_with_cost_types(api: Api) -> None:
    recordno = api.created("STANDARDTASK", {
        "STANDARDTASKID": "10-100", "NAME": "Specialties", "TASKNO": "1010",
        "STANDARDTASKSTANDARDCOSTTYPES": {"STANDARDTASKSTANDARDCOSTTYPE": [
            {"STANDARDCOSTTYPEID": "Labor"}, {"STANDARDCOSTTYPEID": "Material"}]},
    })
    row = api.named("STANDARDTASK", "10-100")
    assert row["RECORDNO"] == recordno
    entries = lines(row, "STANDARDTASKSTANDARDCOSTTYPES")
    assert [e["STANDARDCOSTTYPEID"] for e in entries] == ["Labor", "Material"]
    assert entries[0]["STANDARDCOSTTYPEKEY"] == api.named("STANDARDCOSTTYPE", "Labor")["RECORDNO"]
    assert {e["STANDARDTASKKEY"] for e in entries} == {recordno}

    # The cost-type list is a complete replacement on update.
    api.updated("STANDARDTASK", {"STANDARDTASKID": "10-100", "STANDARDTASKSTANDARDCOSTTYPES": {
        "STANDARDTASKSTANDARDCOSTTYPE": [{"STANDARDCOSTTYPEID": "Subcontract"}]}})
    entries = lines(api.named("STANDARDTASK", "10-100"), "STANDARDTASKSTANDARDCOSTTYPES")
    assert [e["STANDARDCOSTTYPEID"] for e in entries] == ["Subcontract"]
    # A header-only update leaves the list alone.
    api.updated("STANDARDTASK", {"STANDARDTASKID": "10-100", "DESCRIPTION": "Division 10"})
    assert len(lines(api.named("STANDARDTASK", "10-100"), "STANDARDTASKSTANDARDCOSTTYPES")) == 1


def test_standard_task_rules(api: Api) -> None:
    assert failed(api.create("STANDARDTASK", {"NAME": "No id"}), GENERIC.format("standardtask")) == (
        "BL01001973", "Required field STANDARDTASKID is missing.")
    assert failed(api.create("STANDARDTASK", {"STANDARDTASKID": "S" * 21}))[0] == "BL03000018"
    assert failed(api.create("STANDARDTASK", {"STANDARDTASKID": "10-101", "TASKNO": "123456789"}))[0] == "BL03000018"
    assert failed(api.create("STANDARDTASK", {"STANDARDTASKID": "03-300"}))[:2] == (
        "BL34000061", "Another Standard Task with the given value(s) 03-300  already exists")
    assert failed(api.create("STANDARDTASK", {"STANDARDTASKID": "10-101", "BILLABLE": "true"}))[1] == (
        "ITEMID is required when BILLABLE is true.")
    api.created("ITEM", {"ITEMID": "STOCK", "NAME": "Stocked part", "ITEMTYPE": "Inventory"})
    assert failed(api.create("STANDARDTASK", {"STANDARDTASKID": "10-101", "ITEMID": "STOCK"}))[1] == (
        "Item 'STOCK' must be a Non-Inventory item.")
    api.created("STANDARDTASK", {"STANDARDTASKID": "10-101", "ITEMID": "MATERIAL", "BILLABLE": "true"})
    reply = api.create("STANDARDTASK", {"STANDARDTASKID": "10-102", "STANDARDTASKSTANDARDCOSTTYPES": {
        "STANDARDTASKSTANDARDCOSTTYPE": [{"STANDARDCOSTTYPEID": "NOPE"}]}})
    assert failed(reply)[1] == "Invalid Standard Cost Type 'NOPE' specified."
    assert api.by_name("STANDARDTASK", "10-102") is None


def test_standard_task_delete(api: Api) -> None:
    used = api.named("STANDARDTASK", "03-300")["RECORDNO"]
    message = failed(api.delete("STANDARDTASK", used), "Could not delete standardtask record!")[1]
    assert message.startswith("Standard Task '03-300' cannot be deleted because Task")
    # 32-900 (Landscaping) is a cost code no project uses.
    unused = api.named("STANDARDTASK", "32-900")["RECORDNO"]
    api.delete("STANDARDTASK", unused).ok()
    assert api.by_name("STANDARDTASK", "32-900") is None


# -- STANDARDCOSTTYPE ---------------------------------------------------------------


def test_standard_cost_type_rules(api: Api) -> None:
    recordno = api.created("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Permits", "NAME": "Permits and Fees",
                                                "ACCOUNTNO": "5400"})
    row = api.named("STANDARDCOSTTYPE", "Permits")
    assert (row["RECORDNO"], row["STATUS"], row["ACCOUNTNO"]) == (recordno, "active", "5400")
    assert failed(api.create("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "P" * 13, "NAME": "x"}))[0] == "BL03000018"
    api.created("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "P" * 12, "NAME": "x"})
    assert failed(api.create("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Bonds"}))[1] == (
        "Required field NAME is missing.")
    assert failed(api.create("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Labor", "NAME": "x"}),
                  GENERIC.format("standardcosttype")) == (
        "BL34000061", "Another Standard Cost Type with the given value(s) Labor  already exists")
    assert failed(api.create("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Bonds", "NAME": "x",
                                                  "ACCOUNTNO": "9999"}))[1] == "Invalid Account '9999' specified."
    api.updated("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Permits", "NAME": "Permits"})
    assert api.named("STANDARDCOSTTYPE", "Permits")["NAME"] == "Permits"
    assert failed(api.update("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Nope", "NAME": "x"}))[0] == (
        "Cannot update non-existing STANDARDCOSTTYPE with STANDARDCOSTTYPEID=Nope.")


def test_standard_cost_type_delete(api: Api) -> None:
    used = api.named("STANDARDCOSTTYPE", "Labor")["RECORDNO"]
    message = failed(api.delete("STANDARDCOSTTYPE", used), "Could not delete standardcosttype record!")[1]
    assert message.startswith("Standard Cost Type 'Labor' cannot be deleted because Cost Type")
    recordno = api.created("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Permits", "NAME": "Permits"})
    api.delete("STANDARDCOSTTYPE", recordno).ok()
    assert api.by_name("STANDARDCOSTTYPE", "Permits") is None


# -- COSTTYPE -----------------------------------------------------------------------


def test_cost_type_derives_from_standard_and_task(api: Api) -> None:
    # 31-200 on 1001 has Subcontract and Equipment; add Material.
    recordno = api.created("COSTTYPE", {"STANDARDCOSTTYPEID": "Material", "PROJECTID": "1001", "TASKID": "31-200",
                                        "COSTUNITDESCRIPTION": "Cubic yards", "ACTUALBEGINDATE": "01/10/2026"})
    row = api.get("COSTTYPE", recordno)
    task_row = api.where("TASK", ["RECORDNO", "NAME"], PROJECTID="1001", TASKID="31-200")[0]
    assert (row["COSTTYPEID"], row["NAME"], row["STATUS"]) == ("Material", "Material", "active")
    assert row["ACCOUNTNO"] == "5100"  # inherited from the standard cost type
    assert (row["TASKKEY"], row["TASKNAME"]) == (task_row["RECORDNO"], task_row["NAME"])
    assert (row["PROJECTKEY"], row["PROJECTNAME"]) == (api.named("PROJECT", "1001")["RECORDNO"],
                                                       "Kristinberg Medical Office")
    assert row["STANDARDCOSTTYPEKEY"] == api.named("STANDARDCOSTTYPE", "Material")["RECORDNO"]
    assert (row["COSTUNITDESCRIPTION"], row["ACTUALBEGINDATE"]) == ("Cubic yards", "01/10/2026")


def test_cost_type_by_task_key_and_overrides(api: Api) -> None:
    task_key = api.where("TASK", ["RECORDNO"], PROJECTID="1002", TASKID="01-100")[0]["RECORDNO"]
    recordno = api.created("COSTTYPE", {"STANDARDCOSTTYPEID": "Equipment", "TASKKEY": task_key,
                                        "NAME": "Lift rental", "ACCOUNTNO": "5400"})
    row = api.get("COSTTYPE", recordno)
    assert (row["PROJECTID"], row["TASKID"], row["COSTTYPEID"]) == ("1002", "01-100", "Equipment")
    assert (row["NAME"], row["ACCOUNTNO"]) == ("Lift rental", "5400")


def test_cost_type_create_failures(api: Api) -> None:
    assert failed(api.create("COSTTYPE", {"PROJECTID": "1001", "TASKID": "31-200"}), GENERIC.format("costtype")) == (
        "BL01001973", "Required field STANDARDCOSTTYPEID is missing.")
    assert "Provide PROJECTID and TASKID, or TASKKEY" in failed(
        api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Material", "PROJECTID": "1001"}))[1]
    assert failed(api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Material", "PROJECTID": "1001",
                                          "TASKID": "99-999"}))[1] == "Invalid Task '99-999' specified."
    assert failed(api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Material", "PROJECTID": "NOPE",
                                          "TASKID": "31-200"}))[1] == "Invalid Project 'NOPE' specified."
    assert failed(api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Nope", "PROJECTID": "1001",
                                          "TASKID": "31-200"}))[1] == "Invalid Standard Cost Type 'Nope' specified."
    assert failed(api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Material", "TASKKEY": "99999"}))[1] == (
        "Invalid Task '99999' specified.")
    assert failed(api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Subcontract", "PROJECTID": "1001",
                                          "TASKID": "31-200"}), GENERIC.format("costtype")) == (
        "BL34000061", "Another Cost Type with the given value(s) Subcontract  already exists")


def test_cost_type_from_inactive_standard_is_refused(api: Api) -> None:
    api.updated("STANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": "Material", "STATUS": "inactive"})
    assert failed(api.create("COSTTYPE", {"STANDARDCOSTTYPEID": "Material", "PROJECTID": "1001",
                                          "TASKID": "31-200"}))[1] == "Invalid Standard Cost Type 'Material' specified."


def test_cost_type_update_by_recordno(api: Api) -> None:
    recordno = api.where("COSTTYPE", ["RECORDNO"], PROJECTID="1001", TASKID="31-200", COSTTYPEID="Equipment")[0][
        "RECORDNO"]
    api.updated("COSTTYPE", {"RECORDNO": recordno, "NAME": "Heavy equipment", "STATUS": "inactive"})
    row = api.get("COSTTYPE", recordno)
    assert (row["NAME"], row["STATUS"], row["COSTTYPEID"]) == ("Heavy equipment", "inactive", "Equipment")
    assert "cannot be changed" in failed(api.update("COSTTYPE", {"RECORDNO": recordno, "TASKID": "01-500"}))[1]
    assert "cannot be changed" in failed(api.update("COSTTYPE", {"RECORDNO": recordno,
                                                                 "STANDARDCOSTTYPEID": "Labor"}))[1]
    assert "Provide RECORDNO" in failed(api.update("COSTTYPE", {"COSTTYPEID": "Equipment", "NAME": "x"}))[1]
    assert failed(api.update("COSTTYPE", {"RECORDNO": "99999", "NAME": "x"}))[0] == (
        "Cannot update non-existing COSTTYPE with RECORDNO=99999.")
    assert api.post("<readByName><object>COSTTYPE</object><keys>Equipment</keys></readByName>").result.findtext(
        "status") == "failure"


def test_cost_type_delete_rules(api: Api) -> None:
    used = api.where("COSTTYPE", ["RECORDNO"], PROJECTID="1001", TASKID="03-300", COSTTYPEID="Subcontract")[0][
        "RECORDNO"]
    api.delete("COSTTYPE", used).ok()  # nothing refers to it yet
    assert api.read("COSTTYPE", used) is None
    other = api.where("COSTTYPE", ["RECORDNO"], PROJECTID="1001", TASKID="03-300", COSTTYPEID="Material")[0][
        "RECORDNO"]
    bill_for(api, "V100", PROJECTID="1001", TASKID="03-300", COSTTYPEID="Material")
    message = failed(api.delete("COSTTYPE", other), "Could not delete costtype record!")[1]
    assert message.startswith("Cost type 'Material' cannot be deleted because Bill Line")
    assert failed(api.delete("COSTTYPE", "99999"))[1] == "Cannot find costtype with key '99999' to delete."
