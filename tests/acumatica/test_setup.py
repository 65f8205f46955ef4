"""Master records: account groups, cost codes, vendors and customers."""

from __future__ import annotations

from tests.acumatica.conftest import Acu, val


def test_account_group_defaults_and_type_lock(acu: Acu) -> None:
    group = acu.ok("AccountGroup", {"AccountGroupID": "permits", "Description": "Permits"})
    assert (val(group, "AccountGroupID"), val(group, "Type"), val(group, "Active")) == ("PERMITS", "Expense", True)
    assert val(group, "Expense") is True
    r = acu.put("AccountGroup", {"AccountGroupID": "LABOR", "Type": "Income"})
    assert r.status_code == 422
    assert "used in the project budget" in r.json()["Type"]["error"]
    assert acu.delete("AccountGroup/PERMITS").status_code == 204
    r = acu.delete("AccountGroup/LABOR")
    assert r.status_code == 500
    assert "cannot be deleted" in r.json()["exceptionMessage"]


def test_cost_code_mask_and_delete_rules(acu: Acu) -> None:
    assert val(acu.ok("CostCode", {"CostCodeID": "33-100", "Description": "Utilities"}), "CostCodeID") == "33-100"
    r = acu.put("CostCode", {"CostCodeID": "33100", "Description": "No separator"})
    assert r.status_code == 422
    assert "does not match the 'CC-CCC' input mask" in r.json()["CostCodeID"]["error"]
    acu.configure(cost_code_mask="")
    assert acu.put("CostCode", {"CostCodeID": "33100", "Description": "Free form"}).status_code == 200
    assert acu.delete("CostCode/33-100").status_code == 204
    used = acu.one("ProjectBudget", **{"$filter": "ProjectID eq '1001' and Type eq 'Expense'", "$top": 1})[0]
    r = acu.delete(f"CostCode/{val(used, 'CostCode')}")
    assert r.status_code == 500
    assert acu.delete("CostCode/00-000").status_code == 500  # the default cost code stays


def test_vendor_defaults_contacts_and_references(acu: Acu) -> None:
    vendor = acu.ok("Vendor", {"VendorID": "NEWV", "VendorName": "New Vendor", "MainContact": {
        "Email": "ap@new.test", "Address": {"City": "Austin", "State": "TX"}}},
        **{"$expand": "MainContact,MainContact/Address"})
    assert (val(vendor, "Terms"), val(vendor, "PaymentMethod"), val(vendor, "CashAccount")) == ("30D", "CHECK",
                                                                                                "10200")
    assert val(vendor, "LegalName") == "New Vendor"
    assert val(vendor["MainContact"], "CompanyName") == "New Vendor"
    assert val(vendor["MainContact"]["Address"], "City") == "Austin"
    updated = acu.ok("Vendor", {"VendorID": "NEWV", "MainContact": {"Phone1": "512-555-0100"}},
                     **{"$expand": "MainContact,MainContact/Address"})
    assert val(updated["MainContact"], "Email") == "ap@new.test"  # linked values merge, not replace
    assert val(updated["MainContact"], "Phone1") == "512-555-0100"
    r = acu.put("Vendor", {"VendorID": "NEWV", "PaymentMethod": "BARTER", "CashAccount": "99999"})
    assert r.json()["PaymentMethod"]["error"] == "'Payment Method' cannot be found in the system."
    assert r.json()["CashAccount"]["error"] == "'Cash Account' cannot be found in the system."
    acu.ok("Bill", {"Vendor": "NEWV"})
    r = acu.delete("Vendor/NEWV")
    assert r.status_code == 500
    assert "cannot be deleted" in r.json()["exceptionMessage"]


def test_customer_rules(acu: Acu) -> None:
    customer = acu.ok("Customer", {"CustomerID": "c900", "CustomerName": "Owner LLC"})
    assert (val(customer, "CustomerID"), val(customer, "Status"), val(customer, "StatementType")) == (
        "C900", "Active", "Open Item")
    assert acu.put("Customer", {"CustomerID": "C901"}).json()["CustomerName"]["error"] == \
        "'Customer Name' cannot be empty."
    acu.ok("Customer", {"CustomerID": "C900", "Status": "Inactive"})
    r = acu.put("Project", {"ProjectID": "P9", "Description": "x", "Customer": "C900"})
    assert r.json()["Customer"]["error"] == "The customer status is 'Inactive'."
    assert acu.delete("Customer/C100").status_code == 500  # projects use it
    assert acu.delete("Customer/C900").status_code == 204
