"""Lay an ERP-neutral dataset into Intacct records."""

from __future__ import annotations

from typing import Any

from simulator.datasets import Dataset
from simulator.store import Records

from simulator.intacct import models


def _date(iso: str | None) -> str:
    """ISO yyyy-mm-dd -> Intacct mm/dd/yyyy."""
    if not iso:
        return ""
    y, m, d = iso.split("-")
    return f"{m}/{d}/{y}"


# A small chart of accounts, items and a bank account so bills, POs and payments can post.
GL_ACCOUNTS = [
    ("1000", "Operating Cash", "balancesheet"),
    ("1200", "Accounts Receivable", "balancesheet"),
    ("2000", "Accounts Payable", "balancesheet"),
    ("2050", "Retainage Payable", "balancesheet"),
    ("4000", "Contract Revenue", "incomestatement"),
    ("5000", "Job Cost - Labor", "incomestatement"),
    ("5100", "Job Cost - Material", "incomestatement"),
    ("5200", "Job Cost - Subcontract", "incomestatement"),
    ("5300", "Job Cost - Equipment", "incomestatement"),
    ("5400", "Job Cost - Other", "incomestatement"),
]
ITEMS = [
    ("SUBCONTRACT", "Subcontract work", "Non-Inventory"),
    ("MATERIAL", "Materials", "Non-Inventory"),
    ("BILLING", "Progress billing", "Non-Inventory"),
]
JOURNALS = [("GJ", "General Journal"), ("APJ", "Accounts Payable Journal")]
ACCOUNT_BY_COST_TYPE = {"Labor": "5000", "Material": "5100", "Subcontract": "5200", "Equipment": "5300", "Other": "5400"}


def seed(records: Records, dataset: Dataset, config: dict[str, Any]) -> None:
    def put(obj: str, fields: dict[str, Any], parent: int | None = None) -> int:
        return models.insert_seed(records, config, obj, fields, parent=parent)

    for number, title, kind in GL_ACCOUNTS:
        put("GLACCOUNT", {"ACCOUNTNO": number, "TITLE": title, "ACCOUNTTYPE": kind, "STATUS": "active"})
    for item_id, item_name, item_type in ITEMS:
        put("ITEM", {"ITEMID": item_id, "NAME": item_name, "ITEMTYPE": item_type, "STATUS": "active"})
    for symbol, title in JOURNALS:
        put("GLJOURNAL", {"SYMBOL": symbol, "TITLE": title, "STATUS": "active"})
    for login in config.get("users", {}):
        # Web Services users are records too; discovery tools list them through USERINFO.
        put("USERINFO", {"LOGINID": login, "DESCRIPTION": login, "USERTYPE": "business user", "ADMIN": "true",
                         "STATUS": "active", "LOGINDISABLED": "false"})
    put("CHECKINGACCOUNT", {"BANKACCOUNTID": "BOA", "BANKNAME": "Operating Account", "GLACCOUNTNO": "1000",
                            "STATUS": "active"})

    for ct in dataset.cost_types:
        put("STANDARDCOSTTYPE", {
            "STANDARDCOSTTYPEID": ct["id"], "NAME": ct["name"], "STATUS": "active",
            "ACCOUNTNO": ACCOUNT_BY_COST_TYPE.get(ct["id"], "5400"),
        })
    for code in dataset.cost_codes:
        st = put("STANDARDTASK", {
            "STANDARDTASKID": code["code"], "NAME": code["name"],
            "DESCRIPTION": f"{code['division']} {code['division_name']}",
        })
        for ct in code.get("cost_types", []):
            put("STANDARDTASKSTANDARDCOSTTYPE", {"STANDARDCOSTTYPEID": ct}, parent=st)

    for v in dataset.vendors:
        put("VENDOR", {
            "VENDORID": v["id"], "NAME": v["name"], "STATUS": "active" if v.get("active", True) else "inactive",
            "TAXID": v.get("tax_id", ""), "RETAINAGEPERCENTAGE": v.get("retainage_percent", ""),
            "DISPLAYCONTACT.CONTACTNAME": v.get("contact", ""), "DISPLAYCONTACT.PRINTAS": v["name"],
            "DISPLAYCONTACT.EMAIL1": v.get("email", ""), "DISPLAYCONTACT.PHONE1": v.get("phone", ""),
            "DISPLAYCONTACT.MAILADDRESS.ADDRESS1": v.get("address", ""),
            "DISPLAYCONTACT.MAILADDRESS.CITY": v.get("city", ""),
            "DISPLAYCONTACT.MAILADDRESS.STATE": v.get("state", ""),
            "DISPLAYCONTACT.MAILADDRESS.ZIP": v.get("zip", ""),
        })
    for c in dataset.customers:
        put("CUSTOMER", {
            "CUSTOMERID": c["id"], "NAME": c["name"], "STATUS": "active",
            "DISPLAYCONTACT.CONTACTNAME": c.get("contact", ""), "DISPLAYCONTACT.PRINTAS": c["name"],
            "DISPLAYCONTACT.EMAIL1": c.get("email", ""),
        })
    for p in dataset.projects:
        put("PROJECT", {
            "PROJECTID": p["id"], "NAME": p["name"], "PROJECTCATEGORY": "Contract",
            "STATUS": "active" if p.get("status", "active") == "active" else "inactive",
            "PROJECTSTATUS": "In Progress", "CUSTOMERID": p.get("customer_id") or "",
            "BEGINDATE": _date(p.get("start_date")), "ENDDATE": _date(p.get("end_date")),
            "CONTRACTAMOUNT": p.get("contract_amount", ""), "CURRENCY": "USD",
        })
    for t in dataset.project_tasks:
        put("TASK", {
            "TASKID": t["cost_code"], "NAME": t["name"], "PROJECTID": t["project_id"],
            "STANDARDTASKID": t["cost_code"], "TASKSTATUS": "In Progress",
        })
        for ct in t.get("cost_types", []):
            put("COSTTYPE", {"STANDARDCOSTTYPEID": ct, "PROJECTID": t["project_id"], "TASKID": t["cost_code"]})
