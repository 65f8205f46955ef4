"""Project estimates, change requests and project change orders over the wire."""

from __future__ import annotations

from .helpers import Api, api, failed, lines  # noqa: F401  (api is a fixture)

PROJECT = "1002"


def entry(amount: str | None = "1000.00", task: str = "03-200", cost_type: str = "Material",
          **extra: str) -> dict[str, str]:
    fields = {"TASKID": task, "COSTTYPEID": cost_type, **extra}
    if amount is not None:
        fields["AMOUNT"] = amount
    return fields


def estimate(api: Api, estimate_id: str = "EST-1", *entries: dict[str, str], project: str = PROJECT,
             **header: str) -> str:
    return api.created("PJESTIMATE", {"PJESTIMATEID": estimate_id, "PROJECTID": project, **header,
                                      "ENTRIES": {"PJESTIMATEENTRY": list(entries or [entry()])}})


def entries_of(api: Api, recordno: str) -> list[dict[str, object]]:
    return lines(api.get("PJESTIMATE", recordno), "ENTRIES")


# -- PJESTIMATE ---------------------------------------------------------------------


def test_original_and_revision_entries_are_summed_and_derived(api: Api) -> None:
    recordno = estimate(api, "EST-1",
                        entry("9550.00", MEMO="Rebar supply"),
                        entry(None, "05-100", "Labor", QTY="40", UNITCOST="85.50"),
                        entry("-250.00", WFTYPE="revision", MEMO="Value engineering"))
    row = api.named("PJESTIMATE", "EST-1")
    assert row["RECORDNO"] == recordno
    assert (row["TOTALAMOUNT"], row["ISPRIMARY"], row["POSTED"], row["STATUS"]) == (
        "12720.00", "true", "false", "active")
    assert (row["PROJECTKEY"], row["PROJECTNAME"]) == (api.named("PROJECT", PROJECT)["RECORDNO"],
                                                       "Thomaston Elementary School")
    entries = lines(row, "ENTRIES")
    assert [(e["WFTYPE"], e["AMOUNT"]) for e in entries] == [
        ("original", "9550.00"), ("original", "3420.00"), ("revision", "-250.00")]
    first = entries[0]
    assert (first["PJESTIMATEKEY"], first["PJESTIMATEID"], first["PROJECTID"]) == (recordno, "EST-1", PROJECT)
    task = api.where("TASK", ["RECORDNO"], PROJECTID=PROJECT, TASKID="03-200")[0]
    cost_type = api.where("COSTTYPE", ["RECORDNO"], PROJECTID=PROJECT, TASKID="03-200", COSTTYPEID="Material")[0]
    assert (first["TASKKEY"], first["COSTTYPEKEY"]) == (task["RECORDNO"], cost_type["RECORDNO"])


def test_amount_wins_over_quantity_and_workflow_types_are_checked(api: Api) -> None:
    recordno = estimate(api, "EST-1", entry("500.00", QTY="10", UNITCOST="99"),
                        entry("75.00", WFTYPE="approved change"), entry("25.00", WFTYPE="pending change"))
    assert [e["AMOUNT"] for e in entries_of(api, recordno)] == ["500.00", "75.00", "25.00"]
    assert [e["WFTYPE"] for e in entries_of(api, recordno)][1:] == ["approved change", "pending change"]
    errorno, message = failed(api.create("PJESTIMATE", {"PJESTIMATEID": "EST-2", "PROJECTID": PROJECT, "ENTRIES": {
        "PJESTIMATEENTRY": [entry(WFTYPE="budget")]}}))
    assert errorno == "BL03000018" and "budget" in message


def test_entry_rules(api: Api) -> None:
    def attempt(*entries: dict[str, str], **header: str) -> str:
        return failed(api.create("PJESTIMATE", {"PJESTIMATEID": "EST-X", "PROJECTID": PROJECT, **header,
                                                "ENTRIES": {"PJESTIMATEENTRY": list(entries)}}),
                      "Could not create pjestimate record!")[1]

    assert "AMOUNT is required unless QTY and UNITCOST or PRODUCTIONUNITS" in attempt(entry(None))
    assert attempt(entry(None, "", "", PRODUCTIONUNITS="12")) == "Entry 1: PRODUCTIONUNITS requires TASKID."
    assert attempt(entry(task="99-999", cost_type="")) == "Invalid Task '99-999' specified."
    # Equipment is not a cost type of 03-200 on 1002.
    assert attempt(entry(cost_type="Equipment")) == "Invalid Cost Type 'Equipment' specified."
    assert attempt(entry(task="", cost_type="Material")) == (
        "COSTTYPEID is only valid when PROJECTID and TASKID are specified.")
    assert "is not the estimate's project or one of its sub-projects" in attempt(entry(PROJECTID="1001"))
    assert attempt(entry(), POSTED="true", POSTTO="Estimate date") == (
        "ESTIMATEDATE is required when POSTTO is Estimate date.")
    assert attempt(entry(), POSTED="true", POSTTO="Effective date") == (
        "Entry 1: EFFECTIVEDATE is required when POSTTO is Effective date.")
    assert api.by_name("PJESTIMATE", "EST-X") is None


def test_entry_on_a_sub_project(api: Api) -> None:
    api.created("PROJECT", {"PROJECTID": "1002-A", "NAME": "Gym wing", "PROJECTCATEGORY": "Contract",
                            "PARENTID": PROJECT})
    recordno = estimate(api, "EST-1", entry("100.00", "", "", PROJECTID="1002-A"))
    assert entries_of(api, recordno)[0]["PROJECTID"] == "1002-A"


def test_header_rules(api: Api) -> None:
    assert failed(api.create("PJESTIMATE", {"PJESTIMATEID": "EST-1"}), "Could not create pjestimate record!") == (
        "BL01001973", "Required field PROJECTID is missing.")
    assert failed(api.create("PJESTIMATE", {"PJESTIMATEID": "EST-1", "PROJECTID": "NOPE"}))[1] == (
        "Invalid Project 'NOPE' specified.")
    estimate(api, "EST-1")
    assert failed(api.create("PJESTIMATE", {"PJESTIMATEID": "EST-1", "PROJECTID": PROJECT})) == (
        "BL34000061", "Another Project Estimate with the given value(s) EST-1  already exists")
    assert "cannot be moved to another project" in failed(
        api.update("PJESTIMATE", {"PJESTIMATEID": "EST-1", "PROJECTID": "1003"}))[1]
    assert failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-9", "DESCRIPTION": "x"}))[0] == (
        "Cannot update non-existing PJESTIMATE with PJESTIMATEID=EST-9.")


def test_first_estimate_is_primary_and_only_one_primary_per_project(api: Api) -> None:
    first = estimate(api, "EST-1")
    second = estimate(api, "EST-2")
    assert api.get("PJESTIMATE", first)["ISPRIMARY"] == "true"
    assert api.get("PJESTIMATE", second)["ISPRIMARY"] == "false"
    # Another project's first estimate is its own primary.
    assert api.get("PJESTIMATE", estimate(api, "EST-3", entry("1.00", "01-500", "Labor"),
                                          project="1001"))["ISPRIMARY"] == "true"

    message = failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-2", "ISPRIMARY": "true"}),
                     "Could not update pjestimate record!")[1]
    assert message == "Project '1002' already has the primary estimate 'EST-1'. Clear ISPRIMARY on it first."
    assert failed(api.create("PJESTIMATE", {"PJESTIMATEID": "EST-4", "PROJECTID": PROJECT, "ISPRIMARY": "true",
                                            "ENTRIES": {"PJESTIMATEENTRY": [entry()]}}))[1] == message
    # Switching: unset the first, then set the other.
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-1", "ISPRIMARY": "false"})
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-2", "ISPRIMARY": "true"})
    assert (api.get("PJESTIMATE", first)["ISPRIMARY"], api.get("PJESTIMATE", second)["ISPRIMARY"]) == (
        "false", "true")


def test_update_adds_and_modifies_entries_but_never_deletes(api: Api) -> None:
    recordno = estimate(api, "EST-1", entry("100.00", MEMO="a"), entry("200.00", MEMO="b"))
    first, second = entries_of(api, recordno)
    api.updated("PJESTIMATE", {"RECORDNO": recordno, "ENTRIES": {"PJESTIMATEENTRY": [
        {"RECORDNO": second["RECORDNO"], "AMOUNT": "250.00"},
        entry("50.00", "05-100", "Labor", WFTYPE="revision", MEMO="c"),
    ]}})
    after = entries_of(api, recordno)
    assert [(e["RECORDNO"], e["MEMO"], e["AMOUNT"]) for e in after][:2] == [
        (first["RECORDNO"], "a", "100.00"), (second["RECORDNO"], "b", "250.00")]
    assert [(e["MEMO"], e["WFTYPE"]) for e in after][2:] == [("c", "revision")]
    assert api.get("PJESTIMATE", recordno)["TOTALAMOUNT"] == "400.00"
    # A header-only update leaves the entries alone.
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-1", "DESCRIPTION": "Bid day"})
    assert len(entries_of(api, recordno)) == 3


def test_update_refuses_an_entry_of_another_estimate(api: Api) -> None:
    estimate(api, "EST-1")
    other = estimate(api, "EST-2", entry("5.00"))
    foreign = entries_of(api, other)[0]["RECORDNO"]
    message = failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-1", "ENTRIES": {"PJESTIMATEENTRY": [
        {"RECORDNO": foreign, "AMOUNT": "1.00"}]}}))[1]
    assert message == f"PJESTIMATEENTRY with RECORDNO {foreign} does not belong to this Project Estimate."
    assert entries_of(api, other)[0]["AMOUNT"] == "5.00"


def test_finalized_estimate_only_changes_status(api: Api) -> None:
    estimate(api, "EST-1")
    recordno = estimate(api, "EST-2", entry("10.00"))
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-2", "STATUS": "finalized"})
    expected = "Estimate 'EST-2' is finalized and cannot be modified other than to change its status."
    assert failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-2", "DESCRIPTION": "late edit"}))[1] == expected
    assert failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-2", "ENTRIES": {"PJESTIMATEENTRY": [
        entry("1.00")]}}))[1] == expected
    assert failed(api.create("PJESTIMATEENTRY", {"PJESTIMATEID": "EST-2", **entry("1.00")}))[1] == expected
    assert failed(api.delete("PJESTIMATE", recordno), "Could not delete pjestimate record!")[1] == (
        "Estimate 'EST-2' is finalized and cannot be deleted.")
    row = api.get("PJESTIMATE", recordno)
    assert (row["DESCRIPTION"], row["TOTALAMOUNT"], len(lines(row, "ENTRIES"))) == ("", "10.00", 1)
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-2", "STATUS": "active"})
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-2", "DESCRIPTION": "reopened"})
    assert api.get("PJESTIMATE", recordno)["DESCRIPTION"] == "reopened"


def test_standalone_entry_create(api: Api) -> None:
    recordno = estimate(api, "EST-1", entry("100.00"))
    result = api.create("PJESTIMATEENTRY", {"PJESTIMATEID": "EST-1", **entry("40.00", "05-100", "Labor",
                                                                             WFTYPE="forecast")}).ok()
    new_no = result.findtext("data/pjestimateentry/RECORDNO")
    after = entries_of(api, recordno)
    assert [(e["RECORDNO"], e["AMOUNT"], e["WFTYPE"]) for e in after][1:] == [(new_no, "40.00", "forecast")]
    assert api.get("PJESTIMATE", recordno)["TOTALAMOUNT"] == "140.00"
    assert failed(api.create("PJESTIMATEENTRY", entry("1.00")), "Could not create pjestimateentry record!") == (
        "BL01001973", "Required field PJESTIMATEID is missing.")
    assert failed(api.create("PJESTIMATEENTRY", {"PJESTIMATEID": "NOPE", **entry("1.00")}),
                  "Could not create pjestimateentry record!")[1] == "Invalid Project Estimate 'NOPE' specified."
    assert "Invalid Task" in failed(api.create("PJESTIMATEENTRY", {"PJESTIMATEID": "EST-1",
                                                                   **entry("1.00", "99-999", "")}))[1]
    assert "cannot be written on its own" in failed(api.update("PJESTIMATEENTRY", {"RECORDNO": new_no,
                                                                                   "AMOUNT": "1.00"}))[1]
    assert "cannot be deleted on its own" in failed(api.delete("PJESTIMATEENTRY", new_no))[1]
    assert len(entries_of(api, recordno)) == 2


def test_estimate_delete_rules(api: Api) -> None:
    primary = estimate(api, "EST-1")
    spare = estimate(api, "EST-2")
    assert failed(api.delete("PJESTIMATE", primary), "Could not delete pjestimate record!")[1] == (
        "Estimate 'EST-1' is the project's primary estimate and cannot be deleted.")
    api.delete("PJESTIMATE", spare).ok()
    assert api.by_name("PJESTIMATE", "EST-2") is None
    assert failed(api.delete("PJESTIMATE", spare))[1] == f"Cannot find pjestimate with key '{spare}' to delete."
    assert api.by_name("PJESTIMATE", "EST-1") is not None


# -- CHANGEREQUEST ------------------------------------------------------------------


def change_request(request_id: str = "CR-1", *entries: dict[str, str], **header: str) -> dict[str, object]:
    return {"CHANGEREQUESTID": request_id, "PROJECTID": PROJECT, "CHANGEREQUESTDATE": "04/01/2026", **header,
            "CHANGEREQUESTENTRIES": {"CHANGEREQUESTENTRY": list(entries or [cr_entry()])}}


def cr_entry(cost: str | None = "100.00", price: str | None = "120.00", task: str = "03-200",
             cost_type: str = "Material", **extra: str) -> dict[str, str]:
    fields = {"PROJECTID": PROJECT, "TASKID": task, "COSTTYPEID": cost_type, **extra}
    if cost is not None:
        fields["COST"] = cost
    if price is not None:
        fields["PRICE"] = price
    return fields


def test_draft_change_request_totals_and_pricing(api: Api) -> None:
    recordno = api.created("CHANGEREQUEST", change_request(
        "CR-1", cr_entry(), cr_entry(None, None, QTY="10", UNITCOST="12.5", UNITPRICE="15"),
        cr_entry("200.00", None, "05-100", "Labor", PRICEMARKUPPERCENT="10"),
        cr_entry("50.00", None, "05-100", "Labor", PRICEMARKUPAMOUNT="5")))
    row = api.named("CHANGEREQUEST", "CR-1")
    assert row["RECORDNO"] == recordno
    assert (row["CHANGEREQUESTSTATE"], row["WFTYPE"]) == ("Draft", "none")
    assert (row["TOTALCOST"], row["TOTALPRICE"]) == ("475.00", "545.00")
    entries = lines(row, "CHANGEREQUESTENTRIES")
    assert [(e["COST"], e["PRICE"]) for e in entries] == [
        ("100.00", "120.00"), ("125.00", "150.00"), ("200.00", "220.00"), ("50.00", "55.00")]
    assert {e["CHANGEREQUESTKEY"] for e in entries} == {recordno}


def test_change_request_rules(api: Api) -> None:
    generic = "Could not create changerequest record!"
    assert failed(api.create("CHANGEREQUEST", {"CHANGEREQUESTID": "CR-1", "PROJECTID": PROJECT}), generic) == (
        "BL01001973", "Required field CHANGEREQUESTDATE is missing.")
    assert "Invalid Change Request Status 'Maybe'" in failed(
        api.create("CHANGEREQUEST", change_request(CHANGEREQUESTSTATUSNAME="Maybe")))[1]
    assert failed(api.create("CHANGEREQUEST", change_request("CR-1", cr_entry(task="", cost_type="Labor"))))[1] == (
        "COSTTYPEID is only valid when PROJECTID and TASKID are specified.")
    assert failed(api.create("CHANGEREQUEST", change_request("CR-1", cr_entry(task="99-999", cost_type=""))))[1] == (
        "Invalid Task '99-999' specified.")
    assert "must be the change request's project or one of its sub-projects" in failed(
        api.create("CHANGEREQUEST", change_request("CR-1", cr_entry(PROJECTID="1001"))))[1]
    api.created("PROJECTCHANGEORDER", {"PROJECTCHANGEORDERID": "PCO-1", "PROJECTID": PROJECT,
                                       "PROJECTCHANGEORDERDATE": "04/01/2026"})
    assert failed(api.create("CHANGEREQUEST", change_request(PROJECTCHANGEORDERID="PCO-1")))[1] == (
        "PROJECTCHANGEORDERID is only allowed if the change request state is Posted.")
    assert api.by_name("CHANGEREQUEST", "CR-1") is None


def test_posting_creates_entries_in_the_primary_estimate(api: Api) -> None:
    estimate(api, "EST-1", entry("1000.00"))
    secondary = estimate(api, "EST-2", entry("10.00"))
    api.created("CHANGEREQUEST", change_request(
        "CR-1", cr_entry("100.00", "120.00"), cr_entry("40.00", "60.00", "05-100", "Labor"),
        CHANGEREQUESTSTATE="Posted", CHANGEREQUESTSTATUSNAME="Approved"))
    request = api.named("CHANGEREQUEST", "CR-1")
    assert request["WFTYPE"] == "approved change"
    primary = api.named("PJESTIMATE", "EST-1")
    posted = lines(primary, "ENTRIES")[1:]
    cr_entries = lines(request, "CHANGEREQUESTENTRIES")
    assert [(e["WFTYPE"], e["AMOUNT"], e["TASKID"], e["COSTTYPEID"]) for e in posted] == [
        ("approved change", "100.00", "03-200", "Material"), ("approved change", "40.00", "05-100", "Labor")]
    assert [e["CHANGEREQUESTENTRYKEY"] for e in posted] == [e["RECORDNO"] for e in cr_entries]
    assert [e["PJESTIMATEENTRYKEY"] for e in cr_entries] == [e["RECORDNO"] for e in posted]
    assert primary["TOTALAMOUNT"] == "1140.00"
    assert len(entries_of(api, secondary)) == 1


def test_reposting_on_update_changes_and_adds_estimate_entries(api: Api) -> None:
    estimate(api, "EST-1", entry("1000.00"))
    recordno = api.created("CHANGEREQUEST", change_request(
        "CR-1", cr_entry("100.00"), CHANGEREQUESTSTATE="Posted", CHANGEREQUESTSTATUSNAME="Pending"))
    first = lines(api.named("CHANGEREQUEST", "CR-1"), "CHANGEREQUESTENTRIES")[0]
    assert [e["WFTYPE"] for e in lines(api.named("PJESTIMATE", "EST-1"), "ENTRIES")][1:] == ["pending change"]

    api.updated("CHANGEREQUEST", {"RECORDNO": recordno, "CHANGEREQUESTSTATUSNAME": "Approved",
                                  "CHANGEREQUESTENTRIES": {"CHANGEREQUESTENTRY": [
                                      {"RECORDNO": first["RECORDNO"], "COST": "150.00"},
                                      cr_entry("30.00", "35.00", "05-100", "Labor")]}})
    request = api.named("CHANGEREQUEST", "CR-1")
    assert (request["TOTALCOST"], request["TOTALPRICE"]) == ("180.00", "155.00")
    posted = lines(api.named("PJESTIMATE", "EST-1"), "ENTRIES")[1:]
    assert [(e["WFTYPE"], e["AMOUNT"]) for e in posted] == [("approved change", "150.00"),
                                                            ("approved change", "30.00")]
    assert posted[0]["CHANGEREQUESTENTRYKEY"] == first["RECORDNO"]
    assert api.named("PJESTIMATE", "EST-1")["TOTALAMOUNT"] == "1180.00"


def test_change_request_without_status_does_not_post(api: Api) -> None:
    estimate(api, "EST-1", entry("1000.00"))
    api.created("CHANGEREQUEST", change_request(CHANGEREQUESTSTATE="Posted"))
    assert api.named("CHANGEREQUEST", "CR-1")["WFTYPE"] == "none"
    assert len(lines(api.named("PJESTIMATE", "EST-1"), "ENTRIES")) == 1


def test_posting_needs_a_primary_estimate(api: Api) -> None:
    message = failed(api.create("CHANGEREQUEST", change_request(CHANGEREQUESTSTATE="Posted",
                                                                 CHANGEREQUESTSTATUSNAME="Approved")),
                     "Could not create changerequest record!")[1]
    assert message == "Project '1002' has no primary estimate to post the change request to."
    assert api.by_name("CHANGEREQUEST", "CR-1") is None
    # Posting a draft later meets the same rule, reported as an update.
    api.created("CHANGEREQUEST", change_request(CHANGEREQUESTSTATUSNAME="Approved"))
    assert failed(api.update("CHANGEREQUEST", {"CHANGEREQUESTID": "CR-1", "CHANGEREQUESTSTATE": "Posted"}),
                  "Could not update changerequest record!")[1] == message
    assert api.named("CHANGEREQUEST", "CR-1")["CHANGEREQUESTSTATE"] == "Draft"


def test_a_finalized_primary_estimate_takes_no_postings(api: Api) -> None:
    recordno = estimate(api, "EST-1", entry("1000.00"))
    api.updated("PJESTIMATE", {"PJESTIMATEID": "EST-1", "STATUS": "finalized"})
    assert failed(api.create("CHANGEREQUEST", change_request(CHANGEREQUESTSTATE="Posted",
                                                             CHANGEREQUESTSTATUSNAME="Approved")))[1] == (
        "Estimate 'EST-1' is finalized; the change request cannot post to it.")
    assert (api.get("PJESTIMATE", recordno)["TOTALAMOUNT"], len(entries_of(api, recordno))) == ("1000.00", 1)


def test_posted_change_request_locks(api: Api) -> None:
    estimate(api, "EST-1", entry("1000.00"))
    recordno = api.created("CHANGEREQUEST", change_request(CHANGEREQUESTSTATE="Posted",
                                                           CHANGEREQUESTSTATUSNAME="Approved"))
    assert failed(api.update("CHANGEREQUEST", {"CHANGEREQUESTID": "CR-1", "CHANGEREQUESTSTATE": "Draft"}),
                  "Could not update changerequest record!")[1] == "A posted change request cannot go back to Draft."
    assert "cannot be moved to another project" in failed(
        api.update("CHANGEREQUEST", {"CHANGEREQUESTID": "CR-1", "PROJECTID": "1003"}))[1]
    assert failed(api.delete("CHANGEREQUEST", recordno), "Could not delete changerequest record!")[1] == (
        "Change request 'CR-1' is posted and cannot be deleted.")
    # The estimate entry it posted is locked, and the estimate must stay primary.
    linked = lines(api.named("PJESTIMATE", "EST-1"), "ENTRIES")[1]["RECORDNO"]
    assert failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-1", "ENTRIES": {"PJESTIMATEENTRY": [
        {"RECORDNO": linked, "AMOUNT": "1.00"}]}}))[1] == (
        f"PJESTIMATEENTRY {linked} is linked to a change request entry and cannot be updated.")
    assert failed(api.update("PJESTIMATE", {"PJESTIMATEID": "EST-1", "ISPRIMARY": "false"}))[1] == (
        "ISPRIMARY cannot be set to false while change requests are linked to the estimate.")


def test_draft_change_request_delete(api: Api) -> None:
    recordno = api.created("CHANGEREQUEST", change_request())
    api.delete("CHANGEREQUEST", recordno).ok()
    assert api.by_name("CHANGEREQUEST", "CR-1") is None
    assert api.read("CHANGEREQUEST", recordno) is None


# -- PROJECTCHANGEORDER -------------------------------------------------------------


def change_order(order_id: str = "PCO-1", **extra: str) -> dict[str, str]:
    return {"PROJECTCHANGEORDERID": order_id, "PROJECTID": PROJECT, "PROJECTCHANGEORDERDATE": "6/30/2026", **extra}


def test_change_order_create_and_rules(api: Api) -> None:
    recordno = api.created("PROJECTCHANGEORDER", change_order())
    row = api.named("PROJECTCHANGEORDER", "PCO-1")
    assert (row["RECORDNO"], row["PROJECTCHANGEORDERSTATE"], row["TOTALCOST"], row["TOTALPRICE"]) == (
        recordno, "Draft", "0.00", "0.00")
    assert row["PROJECTCHANGEORDERDATE"] == "06/30/2026"
    assert row["PROJECTKEY"] == api.named("PROJECT", PROJECT)["RECORDNO"]
    generic = "Could not create projectchangeorder record!"
    assert failed(api.create("PROJECTCHANGEORDER", change_order()), generic) == (
        "BL34000061", "Another Project Change Order with the given value(s) PCO-1  already exists")
    assert failed(api.create("PROJECTCHANGEORDER", {"PROJECTCHANGEORDERID": "PCO-2", "PROJECTID": PROJECT}))[1] == (
        "Required field PROJECTCHANGEORDERDATE is missing.")
    assert failed(api.create("PROJECTCHANGEORDER", change_order("PCO-2", PROJECTCONTRACTID="PC-1")))[1] == (
        "PROJECTCONTRACTID and PROJECTCONTRACTLINEID must be given together.")
    assert failed(api.create("PROJECTCHANGEORDER", change_order("PCO-2", PROJECTID="NOPE")))[1] == (
        "Invalid Project 'NOPE' specified.")


def test_change_order_totals_follow_linked_change_requests(api: Api) -> None:
    estimate(api, "EST-1", entry("1000.00"))
    pco = api.created("PROJECTCHANGEORDER", change_order())
    api.created("PROJECTCHANGEORDER", change_order("PCO-2"))
    posted = {"CHANGEREQUESTSTATE": "Posted", "CHANGEREQUESTSTATUSNAME": "Approved"}
    api.created("CHANGEREQUEST", change_request("CR-1", cr_entry("100.00", "130.00"), PROJECTCHANGEORDERID="PCO-1",
                                                **posted))
    second = api.created("CHANGEREQUEST", change_request("CR-2", cr_entry("40.00", "50.00"),
                                                         PROJECTCHANGEORDERID="PCO-1", **posted))
    row = api.get("PROJECTCHANGEORDER", pco)
    assert (row["TOTALCOST"], row["TOTALPRICE"]) == ("140.00", "180.00")

    # Moving a change request to another change order recomputes both.
    api.updated("CHANGEREQUEST", {"RECORDNO": second, "PROJECTCHANGEORDERID": "PCO-2"})
    assert (api.named("PROJECTCHANGEORDER", "PCO-1")["TOTALCOST"],
            api.named("PROJECTCHANGEORDER", "PCO-2")["TOTALCOST"]) == ("100.00", "40.00")

    assert failed(api.delete("PROJECTCHANGEORDER", pco), "Could not delete projectchangeorder record!")[1].startswith(
        "Project Change Order 'PCO-1' cannot be deleted because Change Request")
    spare = api.created("PROJECTCHANGEORDER", change_order("PCO-3"))
    api.delete("PROJECTCHANGEORDER", spare).ok()
    assert api.by_name("PROJECTCHANGEORDER", "PCO-3") is None


def test_change_request_may_not_join_another_projects_change_order(api: Api) -> None:
    estimate(api, "EST-1", entry("1000.00"))
    api.created("PROJECTCHANGEORDER", change_order("PCO-9", PROJECTID="1003"))
    assert failed(api.create("CHANGEREQUEST", change_request(
        CHANGEREQUESTSTATE="Posted", CHANGEREQUESTSTATUSNAME="Approved", PROJECTCHANGEORDERID="PCO-9")))[1] == (
        "Project change order 'PCO-9' belongs to another project.")
