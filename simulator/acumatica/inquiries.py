"""What the OData interfaces expose: DACs (OData v4) and generic inquiries (OData v3 and v4).

Both are flat views over the records the contract-based API keeps, so a bill written through
``/entity`` reads back through ``/t/{tenant}/api/odata/dac/APInvoice`` at once. A DAC's fields carry
the data-access-class names the Default endpoint maps its fields to (``Bill.VendorRef`` ->
``APInvoice.InvoiceNbr``, from the ``Default/24.200.001`` endpoint metadata); an inquiry's columns
carry the contract's names. Each view is an ``Entity`` of plain fields, so the ``$filter`` compiler
and the value rules of the contract serve it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from simulator.acumatica.entities import ENTITIES, Entity, Field

# Contract field -> DAC field on the entity's primary view (Default/24.200.001 endpoint metadata).
DAC_FIELDS: dict[str, dict[str, str]] = {
    "AccountGroup": {"AccountGroupID": "GroupCD", "Active": "IsActive", "DefaultAccountID": "AccountID",
                     "Description": "Description", "Expense": "IsExpense",
                     "LastModifiedDateTime": "LastModifiedDateTime", "SortOrder": "SortOrder", "Type": "Type"},
    "Bill": {"Type": "DocType", "ReferenceNbr": "RefNbr", "Amount": "CuryOrigDocAmt", "ApprovedForPayment": "PaySel",
             "Balance": "CuryDocBal", "BranchID": "BranchID", "CashAccount": "PayAccountID", "CurrencyID": "CuryID",
             "Date": "DocDate", "Description": "DocDesc", "DueDate": "DueDate", "Hold": "Hold",
             "LocationID": "VendorLocationID", "PostPeriod": "FinPeriodID", "Project": "ProjectID",
             "Status": "Status", "TaxTotal": "CuryTaxTotal", "Terms": "TermsID", "Vendor": "VendorID",
             "VendorRef": "InvoiceNbr", "LastModifiedDateTime": "LastModifiedDateTime"},
    "ChangeOrder": {"RefNbr": "RefNbr", "ChangeDate": "Date", "Class": "ClassID",
                    "CommitmentsChangeTotal": "CommitmentTotal", "CompletionDate": "CompletionDate",
                    "ContractTimeChangeDays": "DelayDays", "CostBudgetChangeTotal": "CostTotal",
                    "Customer": "CustomerID", "Description": "Description", "ExternalRefNbr": "ExtRefNbr",
                    "GrossMargin": "GrossMarginPct", "GrossMarginAmount": "GrossMarginAmount", "Hold": "Hold",
                    "LastModifiedDateTime": "LastModifiedDateTime", "OriginalCORefNbr": "OrigRefNbr",
                    "ProjectID": "ProjectID", "RevenueBudgetChangeTotal": "RevenueTotal",
                    "RevenueChangeNbr": "ProjectNbr", "Status": "Status"},
    "Check": {"Type": "DocType", "ReferenceNbr": "RefNbr", "ApplicationDate": "AdjDate",
              "CashAccount": "CashAccountID", "CurrencyID": "CuryID", "Description": "DocDesc", "Hold": "Hold",
              "PaymentAmount": "CuryOrigDocAmt", "PaymentMethod": "PaymentMethodID", "PaymentRef": "ExtRefNbr",
              "Status": "Status", "UnappliedBalance": "CuryUnappliedBal", "Vendor": "VendorID",
              "LastModifiedDateTime": "LastModifiedDateTime"},
    "CostCode": {"CostCodeID": "CostCodeCD", "Description": "Description",
                 "LastModifiedDateTime": "LastModifiedDateTime"},
    "Customer": {"CustomerID": "AcctCD", "CustomerName": "AcctName", "AccountRef": "AcctReferenceNbr",
                 "CreatedDateTime": "CreatedDateTime", "CurrencyID": "CuryID", "CustomerClass": "CustomerClassID",
                 "LastModifiedDateTime": "LastModifiedDateTime", "Status": "Status", "Terms": "TermsID"},
    "Project": {"ProjectID": "ContractCD", "Customer": "CustomerID", "Description": "Description",
                "ExternalRefNbr": "ExtRefNbr", "Hold": "Hold", "LastModifiedDateTime": "LastModifiedDateTime",
                "ProjectTemplateID": "TemplateID", "Status": "Status"},
    "ProjectBudget": {"ProjectID": "ProjectID", "ProjectTaskID": "ProjectTaskID", "AccountGroup": "AccountGroupID",
                      "CostCode": "CostCodeID", "InventoryID": "InventoryID", "Type": "Type",
                      "Description": "Description", "UOM": "UOM", "UnitRate": "CuryUnitRate",
                      "OriginalBudgetedQty": "Qty", "OriginalBudgetedAmount": "CuryAmount",
                      "RevisedBudgetedQty": "RevisedQty", "RevisedBudgetedAmount": "CuryRevisedAmount",
                      "BudgetedCOAmount": "CuryChangeOrderAmount", "ActualAmount": "CuryActualAmount",
                      "ActualQty": "ActualQty", "CommittedOpenAmount": "CuryCommittedOpenAmount",
                      "CommittedInvoicedAmount": "CuryCommittedInvoicedAmount",
                      "OriginalCommittedAmount": "CuryCommittedOrigAmount",
                      "RevisedCommittedAmount": "CuryCommittedAmount",
                      "CommittedCOAmount": "CuryCommittedCOAmount", "Completed": "CompletedPct",
                      "Retainage": "RetainagePct", "LastModifiedDateTime": "LastModifiedDateTime"},
    "ProjectTask": {"ProjectID": "ProjectID", "ProjectTaskID": "TaskCD", "Default": "IsDefault",
                    "Description": "Description", "ExternalRefNbr": "ExtRefNbr",
                    "LastModifiedDateTime": "LastModifiedDateTime", "Status": "Status"},
    "ProjectTransaction": {"Module": "Module", "ReferenceNbr": "RefNbr", "CreatedDateTime": "CreatedDateTime",
                           "Description": "Description", "LastModifiedDateTime": "LastModifiedDateTime",
                           "OriginalDocNbr": "OrigDocNbr", "OriginalDocType": "OrigDocType", "Status": "Status",
                           "TotalAmount": "AmtTotal", "TotalBillableQty": "BillableQtyTotal",
                           "TotalQty": "QtyTotal"},
    "PurchaseOrder": {"Type": "OrderType", "OrderNbr": "OrderNbr", "Branch": "BranchID",
                      "ControlTotal": "CuryControlTotal", "CurrencyID": "CuryID", "Date": "OrderDate",
                      "Description": "OrderDesc", "Hold": "Hold", "LastModifiedDateTime": "LastModifiedDateTime",
                      "LineTotal": "CuryLineTotal", "Location": "VendorLocationID", "OrderTotal": "CuryOrderTotal",
                      "Owner": "OwnerID", "Project": "ProjectID", "PromisedOn": "ExpectedDate", "Status": "Status",
                      "TaxTotal": "CuryTaxTotal", "Terms": "TermsID", "VendorID": "VendorID",
                      "VendorRef": "VendorRefNbr"},
    "Subcontract": {"SubcontractNbr": "OrderNbr", "Status": "Status", "Date": "OrderDate",
                    "StartDate": "ExpectedDate", "Description": "OrderDesc", "VendorID": "VendorID",
                    "Location": "VendorLocationID", "Owner": "EmployeeID", "CurrencyID": "CuryID",
                    "VendorRef": "VendorRefNbr", "LineTotal": "CuryLineTotal", "SubcontractTotal": "CuryOrderTotal",
                    "RetainageTotal": "CuryRetainageTotal", "TaxTotal": "CuryTaxTotal",
                    "ControlTotal": "CuryControlTotal", "Branch": "BranchID", "Terms": "TermsID",
                    "ApplyRetainage": "RetainageApply", "RetainagePct": "DefRetainagePct",
                    "LastModifiedDateTime": "LastModifiedDateTime"},
    "Vendor": {"VendorID": "AcctCD", "VendorName": "AcctName", "AccountRef": "AcctReferenceNbr",
               "CreatedDateTime": "CreatedDateTime", "CurrencyID": "CuryID", "F1099Box": "Box1099",
               "F1099Vendor": "Vendor1099", "LastModifiedDateTime": "LastModifiedDateTime",
               "LegalName": "LegalName", "ParentAccount": "ParentBAccountID", "Status": "VStatus",
               "Terms": "TermsID", "VendorClass": "VendorClassID"},
}

# DAC full name, and the contract entities whose records it holds (a subcontract is a PO document).
DACS: dict[str, tuple[str, tuple[str, ...]]] = {
    "PX.Objects.PM.PMAccountGroup": ("Account groups", ("AccountGroup",)),
    "PX.Objects.AP.APInvoice": ("AP documents", ("Bill",)),
    "PX.Objects.PM.PMChangeOrder": ("Change orders", ("ChangeOrder",)),
    "PX.Objects.AP.APPayment": ("AP payments", ("Check",)),
    "PX.Objects.PM.PMCostCode": ("Cost codes", ("CostCode",)),
    "PX.Objects.AR.Customer": ("Customers", ("Customer",)),
    "PX.Objects.PM.PMProject": ("Projects", ("Project",)),
    "PX.Objects.PM.PMBudget": ("Project budget lines", ("ProjectBudget",)),
    "PX.Objects.PM.PMTask": ("Project tasks", ("ProjectTask",)),
    "PX.Objects.PM.PMRegister": ("Project transactions", ("ProjectTransaction",)),
    "PX.Objects.PO.POOrder": ("Purchase orders and subcontracts", ("PurchaseOrder", "Subcontract")),
    "PX.Objects.AP.Vendor": ("Vendors", ("Vendor",)),
}

# Drop-down labels -> the codes a DAC stores, where the reference gives them (ref 4.1).
_PROJECT_STATUS = {"In Planning": "D", "Active": "A", "Completed": "F", "Canceled": "C", "Closed": "L",
                   "Suspended": "E", "Pending Approval": "I", "Pending Upgrade": "U", "On Hold": "H", "Rejected": "R"}
_TYPES = {"Asset": "A", "Liability": "L", "Income": "I", "Expense": "E", "Off-Balance": "O"}
DAC_CODES: dict[tuple[str, str], dict[str, str]] = {
    ("Project", "Status"): _PROJECT_STATUS,
    ("ProjectTask", "Status"): {"Planned": "D", "In Planning": "D", "Active": "A", "Canceled": "C",
                                "Completed": "F"},
    ("Bill", "Type"): {"Bill": "INV", "Credit Adj.": "ACR", "Debit Adj.": "ADR", "Prepayment": "PPM"},
    ("Check", "Type"): {"Payment": "CHK", "Debit Adj.": "ADR", "Prepayment": "PPM", "Refund": "REF",
                        "Voided Refund": "VRF", "Voided Payment": "VCK", "Prepmt. Invoice": "PPI"},
    ("ProjectBudget", "Type"): _TYPES,
    ("AccountGroup", "Type"): _TYPES,
}

# Generic inquiries over the same records: name -> (screen, contract entity).
INQUIRIES: dict[str, tuple[str, str]] = {
    "AccountGroups": ("GI000101", "AccountGroup"), "Bills": ("GI000102", "Bill"),
    "ChangeOrders": ("GI000103", "ChangeOrder"), "Checks": ("GI000104", "Check"),
    "CostCodes": ("GI000105", "CostCode"), "Customers": ("GI000106", "Customer"),
    "Projects": ("GI000107", "Project"), "ProjectBudgets": ("GI000108", "ProjectBudget"),
    "ProjectTasks": ("GI000109", "ProjectTask"), "ProjectTransactions": ("GI000110", "ProjectTransaction"),
    "PurchaseOrders": ("GI000111", "PurchaseOrder"), "Subcontracts": ("GI000112", "Subcontract"),
    "Vendors": ("GI000113", "Vendor"),
}


@dataclass(frozen=True)
class View:
    """One entity set: its name, its plain-field shape, and where its rows come from."""

    name: str
    shape: Entity
    sources: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    """(contract entity, ((view field, contract field), ...)) per entity whose records it holds."""
    codes: bool = False
    """True when drop-downs read as the codes the database stores (DACs) rather than labels (inquiries)."""

    def rows(self, book: Any, view_of: Any) -> Iterator[dict[str, Any]]:
        """Each record as ``{"id", "fields"}`` keyed by this view's field names."""
        for entity_name, pairs in self.sources:
            ent = ENTITIES[entity_name]
            coded = {src: DAC_CODES[(entity_name, src)] for _, src in pairs
                     if self.codes and (entity_name, src) in DAC_CODES}
            for stored in book.iter(ent):
                node = view_of(ent, stored)
                values = node.get("fields", {})
                row = {out: values.get(src) for out, src in pairs}
                for out, src in pairs:
                    if src in coded and row[out] is not None:
                        row[out] = coded[src].get(row[out], row[out])
                yield {"id": node["id"], "fields": row}


def _dac_view(full_name: str) -> View:
    _, sources = DACS[full_name]
    fields: dict[str, Field] = {}
    pairs_by_entity = []
    keys: tuple[str, ...] = ()
    for entity_name in sources:
        ent = ENTITIES[entity_name]
        mapping = DAC_FIELDS[entity_name]
        pairs = []
        for contract_name, dac_name in mapping.items():
            fld = ent.field(contract_name)
            assert fld is not None, f"{entity_name}.{contract_name}"
            fields.setdefault(dac_name, Field(dac_name, fld.type))
            pairs.append((dac_name, contract_name))
        pairs_by_entity.append((entity_name, tuple(pairs)))
        keys = keys or tuple(mapping[k] for k in ent.keys if k in mapping)
    short = full_name.rsplit(".", 1)[1]
    shape = Entity(short, tuple(fields.values()), keys=keys, table=short)
    return View(short, shape, tuple(pairs_by_entity), codes=True)


def _inquiry_view(name: str) -> View:
    _, entity_name = INQUIRIES[name]
    ent = ENTITIES[entity_name]
    fields = tuple(Field(f.name, f.type) for f in ent.fields)
    shape = Entity(name, fields, keys=ent.keys, table=name)
    return View(name, shape, ((entity_name, tuple((f.name, f.name) for f in ent.fields)),))


@lru_cache(maxsize=1)
def dacs() -> dict[str, View]:
    return {full: _dac_view(full) for full in DACS}


@lru_cache(maxsize=1)
def inquiries() -> dict[str, View]:
    return {name: _inquiry_view(name) for name in INQUIRIES}


def find_dac(name: str) -> tuple[str, View] | None:
    """A DAC by its full name (``PX.Objects.AP.Vendor``), its OData name (``PX_Objects_AP_Vendor``) or its
    short name (``Vendor``), in any case."""
    wanted = name.casefold()
    for full, view in dacs().items():
        if wanted in (full.casefold(), full.replace(".", "_").casefold(), view.name.casefold()):
            return full, view
    return None


def find_inquiry(name: str) -> View | None:
    return next((v for n, v in inquiries().items() if n.casefold() == name.casefold()), None)
