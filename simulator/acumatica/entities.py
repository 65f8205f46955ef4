"""The Default endpoint's contract: every entity, field, detail, link and action we serve.

This is the one source of truth. The swagger generator, the payload parser, the
renderer, the ``$filter`` compiler and the business rules all read these
definitions, so the schema a client builds its models from is exactly what the
server validates against.

Field lists follow the real ``Default/24.200.001`` contract (reference Appendix
A), trimmed where noted in docs/fidelity-acumatica.md.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

ENDPOINT = "Default"
VERSIONS = ("23.200.001", "24.200.001", "25.200.001")
PATCH_SINCE = "25.200.001"
"""``PATCH /{Entity}`` (update exactly the fields given) is documented from this version on."""
FIRST = VERSIONS[0]

# Wire type names, as the contract's value wrappers spell them (``StringValue``…).
TYPES = {
    "str": "String",
    "dec": "Decimal",
    "bool": "Boolean",
    "dt": "DateTime",
    "int": "Int",
    "short": "Short",
    "long": "Long",
    "guid": "Guid",
}


@lru_cache(maxsize=64)
def version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@lru_cache(maxsize=64)
def in_version(since: str, version: str) -> bool:
    return version_key(since) <= version_key(version)


def _label(name: str) -> str:
    """``VendorRef`` -> ``Vendor Ref``: the display name used in messages."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "String"
    label: str = ""
    readonly: bool = False
    """Set by the system; a value sent for it is dropped, as graph logic overwrites it."""
    choices: tuple[str, ...] = ()
    """Drop-down labels; any other value is a field error."""
    upper: bool = False
    """A segmented key with an upper-case input mask."""
    since: str = FIRST

    @property
    def display(self) -> str:
        return self.label or _label(self.name)


@dataclass(frozen=True)
class Detail:
    name: str
    entity: str
    readonly: bool = False
    since: str = FIRST


@dataclass(frozen=True)
class Link:
    name: str
    entity: str
    since: str = FIRST


@dataclass(frozen=True)
class Action:
    name: str
    parameters: tuple[Field, ...] = ()
    since: str = FIRST
    graph: str = ""
    """The graph (workflow) action it maps to, also postable by that name (the endpoint's ``mappedTo``)."""


@dataclass(frozen=True)
class Entity:
    name: str
    fields: tuple[Field, ...]
    title: str = ""
    screen: str = ""
    keys: tuple[str, ...] = ()
    details: tuple[Detail, ...] = ()
    links: tuple[Link, ...] = ()
    actions: tuple[Action, ...] = ()
    graph_actions: tuple[str, ...] = ()
    """Workflow actions no endpoint action maps to, reachable only through ``POST /{Entity}/{actionName}``."""
    graph: str = ""
    view: str = ""
    table: str = ""
    """The record's display name in "Inserting 'X' record raised…" messages."""
    top_level: bool = True
    since: str = FIRST
    custom: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Fields outside the contract reachable through ``custom``: view -> field -> Custom*Field type."""
    row_key: str = ""
    """A detail row's own key (``LineNbr``) besides its id."""
    indexed: tuple[str, ...] = ()
    """Fields integrations filter on besides the keys and LastModifiedDateTime, which are always indexed."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})
        object.__setattr__(self, "_details", {d.name: d for d in self.details})
        object.__setattr__(self, "_links", {lk.name: lk for lk in self.links})
        object.__setattr__(self, "_actions", {a.name: a for a in self.actions})

    def field(self, name: str) -> Field | None:
        found: Field | None = self._by_name.get(name)  # type: ignore[attr-defined]
        return found

    def detail(self, name: str) -> Detail | None:
        found: Detail | None = self._details.get(name)  # type: ignore[attr-defined]
        return found

    def link(self, name: str) -> Link | None:
        found: Link | None = self._links.get(name)  # type: ignore[attr-defined]
        return found

    def action(self, name: str) -> Action | None:
        found: Action | None = self._actions.get(name)  # type: ignore[attr-defined]
        return found

    def workflow_actions(self, version: str) -> list[str]:
        """Every graph action postable by name: those endpoint actions map to, then the workflow-only ones."""
        names = [a.graph for a in self.actions_in(version) if a.graph]
        return names + [n for n in self.graph_actions if n not in names]

    def fields_in(self, version: str) -> list[Field]:
        return [f for f in self.fields if in_version(f.since, version)]

    def details_in(self, version: str) -> list[Detail]:
        return [d for d in self.details if in_version(d.since, version)]

    def links_in(self, version: str) -> list[Link]:
        return [lk for lk in self.links if in_version(lk.since, version)]

    def actions_in(self, version: str) -> list[Action]:
        return [a for a in self.actions if in_version(a.since, version)]

    @property
    def description(self) -> str:
        return f"{self.title} ({self.screen})" if self.title else f"({self.screen})"


def fields(
    spec: str,
    *,
    readonly: Iterable[str] = (),
    choices: Mapping[str, tuple[str, ...]] | None = None,
    labels: Mapping[str, str] | None = None,
    upper: Iterable[str] = (),
    since: Mapping[str, str] | None = None,
) -> tuple[Field, ...]:
    """Build fields from ``"Name:type Name2 …"`` (type defaults to str)."""
    ro, up = set(readonly), set(upper)
    choices, labels, since = choices or {}, labels or {}, since or {}
    out = []
    for token in spec.split():
        name, _, short = token.partition(":")
        out.append(Field(
            name=name,
            type=TYPES[short or "str"],
            label=labels.get(name, ""),
            readonly=name in ro,
            choices=choices.get(name, ()),
            upper=name in up,
            since=since.get(name, FIRST),
        ))
    known = {f.name for f in out}
    for group in (ro, up, set(choices), set(labels), set(since)):
        missing = group - known
        assert not missing, f"unknown fields {missing}"
    return tuple(out)


# -- vocabularies (display labels, as the API sends and takes them) -----------

PROJECT_STATUSES = ("In Planning", "Active", "Completed", "Canceled", "Closed", "Suspended",
                    "Pending Approval", "Pending Upgrade", "On Hold", "Rejected")
TASK_STATUSES = ("Planned", "Active", "Canceled", "Completed")
AP_STATUSES = ("On Hold", "Balanced", "Voided", "Scheduled", "Open", "Closed", "Printed", "Pre-Released",
               "Pending Approval", "Rejected", "Reserved", "Pending Print", "Under Reclassification",
               "Pending Processing", "Pending Payment", "Unapplied")
BILL_TYPES = ("Bill", "Credit Adj.", "Debit Adj.", "Prepayment")
CHECK_TYPES = ("Payment", "Debit Adj.", "Prepayment", "Refund", "Voided Refund", "Voided Payment", "Prepmt. Invoice")
PO_TYPES = ("Normal", "Drop-Ship", "Blanket", "Standard", "Project Drop-Ship")
PO_STATUSES = ("On Hold", "Pending Approval", "Rejected", "Open", "Pending Printing", "Pending Email",
               "Completed", "Closed", "Canceled")
CO_STATUSES = ("On Hold", "Pending Approval", "Rejected", "Open", "Closed")
PM_TRAN_STATUSES = ("On Hold", "Balanced", "Released")
VENDOR_STATUSES = ("Active", "On Hold", "Hold Payments", "Inactive", "One-Time")
CUSTOMER_STATUSES = ("Active", "On Hold", "Credit Hold", "Inactive", "One-Time")
ACCOUNT_GROUP_TYPES = ("Asset", "Liability", "Income", "Expense", "Off-Balance")
BUDGET_TYPES = ACCOUNT_GROUP_TYPES
RETAINAGE_MODES = ("Normal", "Contract Cap", "Contract Item Cap")
PO_LINE_TYPES = ("Goods for IN", "Non-Stock", "Goods for Project", "Non-Stock for Project", "Service",
                 "Freight", "Description")

# -- linked and detail sub-entities -------------------------------------------

ADDRESS = Entity("Address", fields("AddressLine1 AddressLine2 City Country PostalCode State Validated:bool"),
                 top_level=False, table="Address")

CONTACT = Entity(
    "Contact",
    fields("Attention CompanyName DisplayName Email Fax FaxType FirstName JobTitle LastName Phone1 Phone1Type "
           "Phone2 Phone2Type WebSite"),
    links=(Link("Address", "Address"),),
    top_level=False, table="Contact",
)

VISIBILITY = Entity("VisibilitySettings", fields("AP:bool AR:bool CA:bool CRM:bool Expenses:bool GL:bool IN:bool "
                                                 "PO:bool SO:bool TimeEntries:bool"),
                    top_level=False, table="Project")

PROJECT_PROPERTIES = Entity(
    "ProjectProperties",
    fields("CertifiedJob:bool ChangeOrderWorkflow:bool EndDate:dt LastRevenueChangeNbr ProjectManager "
           "RestrictEmployees:bool RestrictEquipment:bool RevenueBudgetLevel StartDate:dt TrackProductionData:bool "
           "CostBudgetLevel TimeActivityApprover ProjectCurrency RateType InventoryTrackingMode CostTaxZone "
           "RevenueTaxZone", readonly=("LastRevenueChangeNbr",)),
    top_level=False, table="Project",
)

PROJECT_BILLING = Entity(
    "ProjectBillingAndAllocationSettings",
    fields("AllocationRule AutomaticallyReleaseARDocuments:bool BillingPeriod BillingRule Branch "
           "CreateProFormaOnBilling:bool LastBillingDate:dt NextBillingDate:dt RateTable "
           "RunAllocationOnReleaseOfProjectTransactions:bool Terms UseTMRevenueBudgetLimits:bool BillingCurrency",
           readonly=("LastBillingDate",),
           choices={"BillingPeriod": ("Week", "Month", "Quarter", "Year", "On Demand")}),
    top_level=False, table="Project",
)

PROJECT_RETAINAGE = Entity(
    "ProjectRetainage",
    fields("RetainageMode IncludeCO:bool UseSteps:bool CapPct:dec CapAmount:dec RetainagePct:dec RetainTotal:dec "
           "ContractTotal:dec CompletedPct:dec",
           readonly=("RetainTotal", "ContractTotal", "CompletedPct"), choices={"RetainageMode": RETAINAGE_MODES}),
    top_level=False, table="Project", since="23.200.001",
)

PROJECT_ADDRESS = Entity(
    "ProjectAddress", fields("AddressLine1 City Country State PostalCode Latitude:dec Longitude:dec"),
    top_level=False, table="Project Address", since="23.200.001",
)

PROJECT_BALANCE = Entity(
    "ProjectBalance",
    fields("AccountGroup ActualAmount:dec ActualOpenCommittedAmount:dec BudgetedCOAmount:dec CommittedCOAmount:dec "
           "CommittedInvoicedAmount:dec CommittedOpenAmount:dec Description OriginalBudgetedAmount:dec "
           "OriginalCommittedAmount:dec Performance:dec RevisedBudgetedAmount:dec RevisedCommittedAmount:dec "
           "VarianceAmount:dec",
           readonly=("AccountGroup ActualAmount ActualOpenCommittedAmount BudgetedCOAmount CommittedCOAmount "
                     "CommittedInvoicedAmount CommittedOpenAmount Description OriginalBudgetedAmount "
                     "OriginalCommittedAmount Performance RevisedBudgetedAmount RevisedCommittedAmount "
                     "VarianceAmount").split()),
    top_level=False, table="Project Balance",
)

TASK_PROPERTIES = Entity(
    "ProjectTaskProperties",
    fields("Approver Completed:dec CompletionMethod EndDate:dt PlannedEndDate:dt PlannedStartDate:dt StartDate:dt",
           choices={"CompletionMethod": ("Manual", "Budgeted Quantity", "Budgeted Amount")}),
    top_level=False, table="Project Task",
)

TASK_BILLING = Entity(
    "ProjectTaskBillingAndAllocationSettings",
    fields("AllocationRule BillingOption BillingRule BillSeparately:bool Branch Customer Location RateTable "
           "WIPAccountGroup"),
    top_level=False, table="Project Task",
)

TASK_DEFAULTS = Entity(
    "ProjectTaskDefaultValues",
    fields("AccrualAccount AccrualSubaccount DefaultAccount DefaultSubaccount DefaultCostAccount "
           "DefaultCostSubaccount TaxCategory"),
    top_level=False, table="Project Task",
)

SUBCONTRACT_DETAIL = Entity(
    "SubcontractDetail",
    fields("Account AlternateID Amount:dec BranchID Canceled:bool Closed:bool Completed:bool CostCode Description "
           "DiscountAmount:dec DiscountCode DiscountPct:dec DiscountSequence ExtendedCost:dec InventoryID "
           "LineDescription LineNbr:int ManualCost:bool ManualDiscount:bool OrderNbr OrderQty:dec OrderType "
           "PrepaidAmount:dec PrepaidQty:dec Project Task Requested:dt RetainageAmount:dec RetainagePct:dec "
           "StartDate:dt Subaccount TaxCategory UnitCost:dec UOM",
           readonly=("Amount", "Closed", "LineNbr", "OrderNbr", "OrderType", "PrepaidAmount", "PrepaidQty"),
           labels={"Task": "Project Task", "ExtendedCost": "Ext. Cost", "OrderQty": "Order Qty."}),
    top_level=False, table="Purchase Order Line", view="Transactions", row_key="LineNbr",
)

PO_DETAIL = Entity(
    "PurchaseOrderDetail",
    fields("Account AlternateID BranchID CalculateDiscountsOnImport:bool Cancelled:bool Completed:bool "
           "CompleteOn:dec CostCode Description ExtendedCost:dec InventoryID LineDescription LineNbr:int LineType "
           "MaxReceiptPercent:dec MinReceiptPercent:dec OrderNbr OrderQty:dec OrderedQty:dec OrderType OrigPONbr "
           "OrigPOType Project ProjectTask Promised:dt QtyOnReceipts:dec ReceiptAction ReceivedAmount:dec "
           "Requested:dt Subaccount Subitem TaxCategory UnitCost:dec UOM WarehouseID",
           readonly=("LineNbr", "OrderNbr", "OrderType", "OrderedQty", "QtyOnReceipts", "ReceivedAmount"),
           choices={"LineType": PO_LINE_TYPES},
           labels={"ExtendedCost": "Ext. Cost", "OrderQty": "Order Qty."}),
    top_level=False, table="Purchase Order Line", view="Transactions", row_key="LineNbr",
)

CO_COST_BUDGET = Entity(
    "ChangeOrderCostBudget",
    fields("AccountGroup ActualAmount:dec ActualQty:dec Amount:dec CommittedCOAmount:dec CommittedCOQty:dec "
           "CommittedInvoicedAmount:dec CommittedInvoicedQty:dec CommittedOpenAmount:dec CommittedOpenQty:dec "
           "CommittedReceivedQty:dec CostCode CurrentCommittedCOAmount:dec CurrentCommittedCOQty:dec Description "
           "InventoryID OriginalBudgetedAmount:dec OriginalBudgetedQty:dec OtherDraftCOAmount:dec "
           "PreviouslyApprovedCOAmount:dec PreviouslyApprovedCOQty:dec ProjectTaskID Qty:dec "
           "RevisedBudgetedAmount:dec RevisedBudgetedQty:dec RevisedCommittedAmount:dec RevisedCommittedQty:dec "
           "TotalPotentiallyRevisedAmount:dec UnitRate:dec UOM",
           readonly=("ActualAmount ActualQty CommittedCOAmount CommittedCOQty CommittedInvoicedAmount "
                     "CommittedInvoicedQty CommittedOpenAmount CommittedOpenQty CommittedReceivedQty "
                     "CurrentCommittedCOAmount CurrentCommittedCOQty OriginalBudgetedAmount OriginalBudgetedQty "
                     "OtherDraftCOAmount PreviouslyApprovedCOAmount PreviouslyApprovedCOQty RevisedBudgetedAmount "
                     "RevisedBudgetedQty RevisedCommittedAmount RevisedCommittedQty "
                     "TotalPotentiallyRevisedAmount").split(),
           labels={"ProjectTaskID": "Project Task", "AccountGroup": "Account Group"}),
    top_level=False, table="Cost Budget Line", view="CostBudget",
)

CO_REVENUE_BUDGET = Entity(
    "ChangeOrderRevenueBudget",
    fields("AccountGroup Amount:dec CostCode Description InventoryID OtherDraftCOAmount:dec "
           "PreviouslyApprovedCOAmount:dec PreviouslyApprovedCOQty:dec ProjectTaskID Qty:dec "
           "RevisedBudgetedAmount:dec RevisedBudgetedQty:dec TotalPotentiallyRevisedAmount:dec UnitRate:dec UOM",
           readonly=("OtherDraftCOAmount PreviouslyApprovedCOAmount PreviouslyApprovedCOQty RevisedBudgetedAmount "
                     "RevisedBudgetedQty TotalPotentiallyRevisedAmount").split(),
           labels={"ProjectTaskID": "Project Task", "AccountGroup": "Account Group"}),
    top_level=False, table="Revenue Budget Line", view="RevenueBudget",
)

CO_COMMITMENT = Entity(
    "ChangeOrderCommitment",
    fields("Account Amount:dec AmountinBaseCurrency:dec CostCode CurrencyID Description InventoryID LineAmount:dec "
           "LineDescription OpenQty:dec OrderDate:dt OrderQty:dec POLineNbr:int PONbr PotentiallyRevisedAmount:dec "
           "PotentiallyRevisedQty:dec ProjectTaskID Qty:dec Status UnitCost:dec UOM Vendor POType",
           readonly=("AmountinBaseCurrency LineAmount OpenQty OrderDate OrderQty PotentiallyRevisedAmount "
                     "PotentiallyRevisedQty Status").split(),
           labels={"ProjectTaskID": "Project Task", "PONbr": "PO Nbr.", "POLineNbr": "PO Line Nbr."}),
    top_level=False, table="Commitment Line", view="Details",
)

BILL_DETAIL = Entity(
    "BillDetail",
    fields("Account Amount:dec Branch CalculateDiscountsOnImport:bool CostCode Description ExtendedCost:dec "
           "InventoryID LCLineNbr:int LCNbr LCType NonBillable:bool POLine:int POOrderNbr POOrderType "
           "POReceiptLine:int POReceiptType POReceiptNbr Project ProjectTask Qty:dec Subaccount TaxCategory "
           "TransactionDescription UnitCost:dec UOM",
           readonly=("LCLineNbr", "LCNbr", "LCType"),
           since={"LCLineNbr": "24.200.001", "LCNbr": "24.200.001", "LCType": "24.200.001"},
           labels={"ProjectTask": "Project Task", "POOrderNbr": "PO Number", "POLine": "PO Line"}),
    top_level=False, table="AP Transactions", view="Transactions",
)

BILL_RETAINAGE_DOCUMENT = Entity(
    "BillRetainageDocument",
    fields("Amount:dec Balance:dec Date:dt DocType PostPeriod ReferenceNbr Status",
           readonly=("Amount", "Balance", "Date", "DocType", "PostPeriod", "ReferenceNbr", "Status"),
           labels={"ReferenceNbr": "Reference Nbr.", "DocType": "Type"}),
    top_level=False, table="Retainage Documents", view="RetainageDocuments", since="25.200.001",
)

BILL_APPLICATION = Entity(
    "BillApplicationDetail",
    fields("AmountPaid:dec Balance:dec DocType ReferenceNbr Status",
           readonly=("AmountPaid", "Balance", "DocType", "ReferenceNbr", "Status")),
    top_level=False, table="Adjustments", view="Adjustments",
)

CHECK_DETAIL = Entity(
    "CheckDetail",
    fields("AmountPaid:dec Balance:dec CashDiscountBalance:dec DocLineNbr:int DocType ReferenceNbr",
           readonly=("Balance", "CashDiscountBalance"),
           choices={"DocType": ("Bill", "Credit Adj.", "Debit Adj.", "Prepayment")},
           labels={"AmountPaid": "Amount Paid", "ReferenceNbr": "Reference Nbr."}),
    top_level=False, table="Adjustments", view="Adjustments",
)

CHECK_HISTORY = Entity(
    "CheckHistoryDetail",
    fields("AmountPaid:dec Balance:dec CashDiscountBalance:dec CashDiscountTaken:dec DocType ReferenceNbr VendorRef",
           readonly=("AmountPaid Balance CashDiscountBalance CashDiscountTaken DocType ReferenceNbr "
                     "VendorRef").split()),
    top_level=False, table="Adjustments", view="Adjustments_History",
)

PM_TRAN_DETAIL = Entity(
    "ProjectTransactionDetail",
    fields("AccountGroup AccountGroupDescription Allocated:bool Amount:dec BatchNbr Billable:bool BillableQty:dec "
           "Billed:bool Branch CostCode CreditAccount CreditSubaccount Date:dt DebitAccount DebitSubaccount "
           "Description EarningType Employee EndDate:dt ExternalRefNbr FinPeriod InventoryID Location "
           "Multiplier:dec Project ProjectTask Qty:dec Released:bool StartDate:dt TransactionID:long UnitRate:dec "
           "UOM UseBillableQtyInAmountFormula:bool VendorOrCustomer",
           readonly=("AccountGroupDescription", "Allocated", "BatchNbr", "Billed", "Released", "TransactionID"),
           labels={"ProjectTask": "Project Task", "AccountGroup": "Account Group"}),
    top_level=False, table="Project Transactions", view="Transactions", row_key="TransactionID",
)

# -- top-level entities ---------------------------------------------------------

ACCOUNT_GROUP = Entity(
    "AccountGroup",
    fields("AccountGroupID Active:bool DefaultAccountID Description Expense:bool LastModifiedDateTime:dt "
           "SortOrder:short Type",
           readonly=("LastModifiedDateTime",), choices={"Type": ACCOUNT_GROUP_TYPES},
           upper=("AccountGroupID",), labels={"AccountGroupID": "Account Group"}),
    title="Account Groups", screen="PM201000", keys=("AccountGroupID",),
    graph="PX.Objects.PM.AccountGroupMaint", view="AccountGroup", table="Account Group",
)

COST_CODE = Entity(
    "CostCode",
    fields("CostCodeID Description LastModifiedDateTime:dt",
           readonly=("LastModifiedDateTime",), upper=("CostCodeID",), labels={"CostCodeID": "Cost Code"}),
    title="", screen="PM209500", keys=("CostCodeID",),
    graph="PX.Objects.PM.CostCodeMaint", view="Items", table="Cost Code",
)

VENDOR = Entity(
    "Vendor",
    fields("AccountRef APAccount APSubaccount CashAccount CreatedDateTime:dt CurrencyID CurrencyRateType "
           "EnableCurrencyOverride:bool EnableRateOverride:bool F1099Box F1099Vendor:bool FATCA:bool FOBPoint "
           "ForeignEntity:bool LandedCostVendor:bool LastModifiedDateTime:dt LeadTimedays:short LegalName "
           "LocationName MaxReceipt:dec MinReceipt:dec ParentAccount PaymentBy PaymentLeadTimedays:short "
           "PaymentMethod PaySeparately:bool PrintOrders:bool ReceiptAction ReceivingBranch "
           "RemittanceAddressOverride:bool RemittanceContactOverride:bool SendOrdersbyEmail:bool "
           "ShippingContactOverride:bool ShippingAddressOverride:bool ShippingTerms ShipVia Status "
           "TaxCalculationMode TaxRegistrationID TaxZone Terms ThresholdReceipt:dec VendorClass VendorID "
           "VendorIsLaborUnion:bool VendorIsTaxAgency:bool VendorName Warehouse",
           readonly=("CreatedDateTime", "LastModifiedDateTime"),
           choices={"Status": VENDOR_STATUSES, "PaymentBy": ("Due Date", "Discount Date"),
                    "ReceiptAction": ("Reject", "Accept but Warn", "Accept")},
           upper=("VendorID",), labels={"VendorID": "Vendor ID", "VendorName": "Vendor Name"}),
    links=(Link("MainContact", "Contact"), Link("PrimaryContact", "Contact"), Link("RemittanceContact", "Contact"),
           Link("ShippingContact", "Contact")),
    title="Vendors", screen="AP303000", keys=("VendorID",), indexed=("Status", "VendorName"),
    graph="PX.Objects.AP.VendorMaint", view="BAccount", table="Vendor",
)

CUSTOMER = Entity(
    "Customer",
    fields("AccountRef ApplyOverdueCharges:bool AutoApplyPayments:bool CreatedDateTime:dt CreditLimit:dec CurrencyID "
           "CustomerClass CustomerID CustomerName Email EnableWriteOffs:bool LastModifiedDateTime:dt LocationName "
           "MultiCurrencyStatements:bool ParentRecord PriceClassID PrintInvoices:bool PrintStatements:bool "
           "SendInvoicesbyEmail:bool SendStatementsbyEmail:bool StatementCycleID StatementType Status "
           "TaxRegistrationID TaxZone Terms WriteOffLimit:dec",
           readonly=("CreatedDateTime", "LastModifiedDateTime"),
           choices={"Status": CUSTOMER_STATUSES, "StatementType": ("Open Item", "Balance Brought Forward")},
           upper=("CustomerID",), labels={"CustomerID": "Customer ID", "CustomerName": "Customer Name"}),
    links=(Link("MainContact", "Contact"), Link("BillingContact", "Contact"), Link("PrimaryContact", "Contact")),
    title="Customers", screen="AR303000", keys=("CustomerID",), indexed=("Status", "CustomerName"),
    graph="PX.Objects.AR.CustomerMaint", view="BAccount", table="Customer",
)

# Endpoint action -> the graph action it is mapped to (Default/24.200.001 endpoint metadata).
PROJECT_ACTIONS = {
    "ActivateProject": "Activate", "HoldProject": "Hold", "CompleteProject": "Complete", "SuspendProject": "Suspend",
    "CancelProject": "CancelProject", "ApproveProject": "Approve", "RejectProject": "Reject",
    "LockProjectBudget": "LockBudget", "UnlockProjectBudget": "UnlockBudget",
    "LockProjectCommitments": "LockCommitments", "UnlockProjectCommitments": "UnlockCommitments",
    "ValidateProjectBalance": "ValidateBalance",
}

PROJECT = Entity(
    "Project",
    fields("Assets:dec Customer Description Expenses:dec ExternalRefNbr Hold:bool Income:dec LastModifiedDateTime:dt "
           "Liabilities:dec ProjectID ProjectTemplateID Status",
           readonly=("Assets", "Expenses", "Income", "Liabilities", "LastModifiedDateTime", "Status"),
           choices={"Status": PROJECT_STATUSES}, upper=("ProjectID", "Customer"),
           labels={"ProjectID": "Project ID", "ProjectTemplateID": "Template ID"}),
    details=(Detail("Balances", "ProjectBalance", readonly=True),),
    links=(Link("BillingAndAllocationSettings", "ProjectBillingAndAllocationSettings"),
           Link("ProjectProperties", "ProjectProperties"),
           Link("VisibilitySettings", "VisibilitySettings"),
           Link("Retainage", "ProjectRetainage", since="23.200.001"),
           Link("ProjectAddress", "ProjectAddress", since="23.200.001")),
    actions=tuple(Action(n, graph=g) for n, g in PROJECT_ACTIONS.items()) + (
        Action("ChangeProjectID", (Field("ProjectID", label="New Project ID"),)),),
    title="Projects", screen="PM301000", keys=("ProjectID",), indexed=("Status", "Customer"),
    graph="PX.Objects.PM.ProjectEntry", view="Project", table="Project",
)

PROJECT_TASK = Entity(
    "ProjectTask",
    fields("Default:bool Description ExternalRefNbr LastModifiedDateTime:dt ProjectID ProjectTaskID Status",
           readonly=("LastModifiedDateTime", "Status"), choices={"Status": TASK_STATUSES},
           upper=("ProjectID", "ProjectTaskID"), labels={"ProjectID": "Project", "ProjectTaskID": "Project Task"}),
    links=(Link("BillingAndAllocationSettings", "ProjectTaskBillingAndAllocationSettings"),
           Link("DefaultValues", "ProjectTaskDefaultValues"),
           Link("Properties", "ProjectTaskProperties"),
           Link("VisibilitySettings", "VisibilitySettings")),
    actions=(Action("ActivateProjectTask", graph="Activate"), Action("CompleteProjectTask", graph="Complete"),
             Action("CancelProjectTask", graph="CancelTask")),
    title="Project Tasks", screen="PM302000", keys=("ProjectID", "ProjectTaskID"),
    graph="PX.Objects.PM.ProjectTaskEntry", view="Task", table="Project Task",
)

PROJECT_BUDGET = Entity(
    "ProjectBudget",
    fields("AccountGroup ActualAmount:dec ActualPlusOpenCommittedAmount:dec ActualQty:dec AutoCompleted:bool "
           "BudgetedCOAmount:dec BudgetedCOQty:dec CommittedCOAmount:dec CommittedCOQty:dec "
           "CommittedInvoicedAmount:dec CommittedInvoicedQty:dec CommittedOpenAmount:dec CommittedOpenQty:dec "
           "CommittedReceivedQty:dec Completed:dec CostAtCompletion:dec CostCode CostToComplete:dec Description "
           "DraftInvoicesAmount:dec InventoryID LastCostAtCompletion:dec LastCostToComplete:dec "
           "LastModifiedDateTime:dt LastPercentageOfCompletion:dec OriginalBudgetedAmount:dec "
           "OriginalBudgetedQty:dec OriginalCommittedAmount:dec OriginalCommittedQty:dec PendingInvoiceAmount:dec "
           "PercentageOfCompletion:dec Performance:dec ProjectID ProjectTaskID Retainage:dec RevenueTask:int "
           "RevisedBudgetedAmount:dec RevisedBudgetedQty:dec RevisedCommittedAmount:dec RevisedCommittedQty:dec "
           "TaxCategory Type UnitRate:dec UOM VarianceAmount:dec",
           readonly=("ActualAmount ActualPlusOpenCommittedAmount ActualQty BudgetedCOAmount BudgetedCOQty "
                     "CommittedCOAmount CommittedCOQty CommittedInvoicedAmount CommittedInvoicedQty "
                     "CommittedOpenAmount CommittedOpenQty CommittedReceivedQty DraftInvoicesAmount "
                     "LastCostAtCompletion LastCostToComplete LastModifiedDateTime LastPercentageOfCompletion "
                     "OriginalCommittedAmount OriginalCommittedQty PercentageOfCompletion Performance "
                     "RevisedBudgetedAmount RevisedBudgetedQty RevisedCommittedAmount RevisedCommittedQty Type "
                     "VarianceAmount").split(),
           choices={"Type": BUDGET_TYPES},
           upper=("ProjectID", "ProjectTaskID", "AccountGroup", "CostCode", "InventoryID"),
           labels={"ProjectID": "Project", "ProjectTaskID": "Project Task", "AccountGroup": "Account Group",
                   "CostCode": "Cost Code", "InventoryID": "Inventory ID"}),
    title="Project Budget", screen="PM309000",
    keys=("ProjectID", "ProjectTaskID", "AccountGroup", "CostCode", "InventoryID"),
    graph="PX.Objects.PM.ProjectBudgetMaint", view="Items", table="Project Budget",
)

SUBCONTRACT = Entity(
    "Subcontract",
    fields("SubcontractNbr Status Date:dt StartDate:dt Description VendorID Location Owner CurrencyID BaseCurrencyID "
           "CurrencyEffectiveDate:dt CurrencyRate:dec CurrencyRateTypeID CurrencyReciprocalRate:dec VendorRef "
           "LineTotal:dec DiscountTotal:dec RetainageTotal:dec SubcontractTotal:dec TaxTotal:dec ControlTotal:dec "
           "Branch Terms VendorTaxZone ApplyRetainage:bool RetainagePct:dec DoNotEmail:bool DoNotPrint:bool "
           "Emailed:bool Printed:bool LastModifiedDateTime:dt",
           readonly=("Status BaseCurrencyID CurrencyRate CurrencyReciprocalRate LineTotal DiscountTotal "
                     "RetainageTotal SubcontractTotal TaxTotal Emailed Printed LastModifiedDateTime").split(),
           choices={"Status": PO_STATUSES}, upper=("VendorID",),
           labels={"SubcontractNbr": "Subcontract Nbr.", "VendorID": "Vendor", "RetainagePct": "Retainage Percent",
                   "ApplyRetainage": "Apply Retainage", "ControlTotal": "Control Total"}),
    details=(Detail("Details", "SubcontractDetail"),),
    actions=(Action("ReleaseFromHold", graph="ReleaseFromHold"), Action("PutOnHold", graph="PutOnHold")),
    graph_actions=("Approve", "Reject", "Complete", "Cancel"),
    title="", screen="SC301000", keys=("SubcontractNbr",), indexed=("Status", "Vendor"),
    graph="PX.Objects.CN.Subcontracts.SC.Graphs.SubcontractEntry", view="Document", table="Subcontract",
)

PURCHASE_ORDER = Entity(
    "PurchaseOrder",
    fields("BaseCurrencyID Branch ControlTotal:dec CurrencyID CurrencyEffectiveDate:dt CurrencyRate:dec "
           "CurrencyRateTypeID CurrencyReciprocalRate:dec Date:dt Description Hold:bool IsTaxValid:bool "
           "LastModifiedDateTime:dt LineTotal:dec Location OrderNbr OrderTotal:dec Owner Project PromisedOn:dt "
           "Status TaxTotal:dec Terms Type VendorID VendorRef VendorTaxZone",
           readonly=("BaseCurrencyID CurrencyRate CurrencyReciprocalRate IsTaxValid LastModifiedDateTime LineTotal "
                     "OrderTotal Status TaxTotal").split(),
           choices={"Type": PO_TYPES, "Status": PO_STATUSES}, upper=("VendorID", "Project"),
           labels={"OrderNbr": "Order Nbr.", "VendorID": "Vendor", "ControlTotal": "Control Total"}),
    details=(Detail("Details", "PurchaseOrderDetail"),),
    graph_actions=("PutOnHold", "ReleaseFromHold", "RemoveHold", "Approve", "Reject", "Complete", "Cancel"),
    title="Purchase Orders", screen="PO301000", keys=("Type", "OrderNbr"),
    indexed=("Status", "Vendor", "Project"),
    graph="PX.Objects.PO.POOrderEntry", view="Document", table="Purchase Order",
)

CHANGE_ORDER = Entity(
    "ChangeOrder",
    fields("ChangeDate:dt Class CommitmentsChangeTotal:dec CompletionDate:dt ContractTimeChangeDays:int "
           "CostBudgetChangeTotal:dec Customer Description DetailedDescription ExternalRefNbr GrossMargin:dec "
           "GrossMarginAmount:dec Hold:bool LastModifiedDateTime:dt OriginalCORefNbr ProjectID RefNbr "
           "RevenueBudgetChangeTotal:dec RevenueChangeNbr ReverseStatus Status",
           readonly=("CommitmentsChangeTotal CostBudgetChangeTotal Customer GrossMargin GrossMarginAmount "
                     "LastModifiedDateTime OriginalCORefNbr RevenueBudgetChangeTotal RevenueChangeNbr ReverseStatus "
                     "Status").split(),
           choices={"Status": CO_STATUSES}, upper=("ProjectID",),
           labels={"RefNbr": "Ref. Nbr.", "ProjectID": "Project"}),
    details=(Detail("CostBudget", "ChangeOrderCostBudget"), Detail("RevenueBudget", "ChangeOrderRevenueBudget"),
             Detail("Commitments", "ChangeOrderCommitment")),
    actions=(Action("ReleaseChangeOrder", graph="Release"), Action("ApproveChangeOrder", graph="Approve"),
             Action("RejectChangeOrder", graph="Reject"), Action("ReverseChangeOrder", graph="Reverse"),
             Action("HoldChangeOrder", graph="Hold"), Action("RemoveChangeOrderFromHold", graph="RemoveHold")),
    title="Change Orders", screen="PM308000", keys=("RefNbr",), indexed=("Status", "ProjectID"),
    graph="PX.Objects.PM.ChangeOrderEntry", view="Document", table="Change Order",
)

# Retainage fields join these per tenant (``bill_retainage`` settings); see rules/payables.py.
BILL_CUSTOM = {"Document": {"IsRetainageDocument": "CustomBooleanField", "OrigRefNbr": "CustomStringField"}}

BILL = Entity(
    "Bill",
    fields("Amount:dec ApprovedForPayment:bool Balance:dec BranchID CashAccount CurrencyID Date:dt Description "
           "DueDate:dt Hold:bool LocationID PostPeriod Project ReferenceNbr Status TaxTotal:dec Terms Type Vendor "
           "VendorRef IsTaxValid:bool LastModifiedDateTime:dt",
           readonly=("Balance", "Status", "TaxTotal", "IsTaxValid", "LastModifiedDateTime"),
           choices={"Type": BILL_TYPES, "Status": AP_STATUSES}, upper=("Vendor", "Project"),
           labels={"ReferenceNbr": "Reference Nbr.", "VendorRef": "Vendor Ref.", "PostPeriod": "Post Period"}),
    details=(Detail("Details", "BillDetail"), Detail("Applications", "BillApplicationDetail", readonly=True),
             Detail("RetainageDocuments", "BillRetainageDocument", readonly=True, since="25.200.001")),
    actions=(Action("ReleaseBill", graph="Release"),
             Action("ReleaseRetainage", (Field("AmtToRelease", "Decimal", label="Amount to Release"),
                                         Field("Date", "DateTime"), Field("PostPeriod", label="Post Period")),
                    graph="ReleaseRetainageAmount"),
             Action("ReverseBill", graph="ReverseInvoice")),
    graph_actions=("PutOnHold", "ReleaseFromHold", "RemoveHold", "Approve", "Reject"),
    title="Bills and Adjustments", screen="AP301000", keys=("Type", "ReferenceNbr"),
    indexed=("Status", "Vendor", "Project", "VendorRef"),
    graph="PX.Objects.AP.APInvoiceEntry", view="Document", table="Bill", custom=BILL_CUSTOM,
)

CHECK = Entity(
    "Check",
    fields("ApplicationDate:dt CashAccount CurrencyID Description Hold:bool PaymentAmount:dec PaymentMethod PaymentRef "
           "ReferenceNbr Status Type UnappliedBalance:dec Vendor LastModifiedDateTime:dt",
           readonly=("Status", "UnappliedBalance", "LastModifiedDateTime"),
           choices={"Type": CHECK_TYPES, "Status": AP_STATUSES}, upper=("Vendor",),
           labels={"ReferenceNbr": "Reference Nbr.", "PaymentAmount": "Payment Amount",
                   "PaymentMethod": "Payment Method", "CashAccount": "Cash Account", "PaymentRef": "Payment Ref."}),
    details=(Detail("Details", "CheckDetail"), Detail("History", "CheckHistoryDetail", readonly=True)),
    actions=(Action("ReleaseCheck", graph="Release"), Action("VoidCheck", graph="VoidCheck")),
    graph_actions=("PutOnHold", "ReleaseFromHold", "RemoveHold"),
    title="Checks and Payments", screen="AP302000", keys=("Type", "ReferenceNbr"), indexed=("Status", "Vendor"),
    graph="PX.Objects.AP.APPaymentEntry", view="Document", table="Payment",
)

PROJECT_TRANSACTION = Entity(
    "ProjectTransaction",
    fields("CreatedDateTime:dt Description LastModifiedDateTime:dt Module OriginalDocNbr OriginalDocType ReferenceNbr "
           "Status TotalAmount:dec TotalBillableQty:dec TotalQty:dec",
           readonly=("CreatedDateTime LastModifiedDateTime OriginalDocNbr OriginalDocType Status TotalAmount "
                     "TotalBillableQty TotalQty").split(),
           choices={"Status": PM_TRAN_STATUSES, "Module": ("PM", "AP", "AR", "GL", "IN", "CA", "EA")},
           labels={"ReferenceNbr": "Ref. Number"}),
    details=(Detail("Details", "ProjectTransactionDetail"),),
    actions=(Action("ReleaseTransactions", graph="Release"),),
    title="Project Transactions", screen="PM304000", keys=("Module", "ReferenceNbr"), indexed=("Status",),
    graph="PX.Objects.PM.RegisterEntry", view="Document", table="Project Transaction",
)

# Companies and branches come from the tenant's settings (``company_*``, ``branches``, ``branch_names``).
COMPANY = Entity(
    "Company",
    fields("CompanyID CompanyName CompanyType BaseCurrencyID Active:bool LastModifiedDateTime:dt",
           readonly=("CompanyID", "CompanyName", "CompanyType", "BaseCurrencyID", "Active", "LastModifiedDateTime"),
           labels={"CompanyID": "Company ID", "CompanyName": "Company Name"}),
    title="Companies", screen="CS101500", keys=("CompanyID",),
    graph="PX.Objects.CS.OrganizationMaint", view="OrganizationView", table="Company",
)

BRANCH = Entity(
    "Branch",
    fields("BranchID BranchName Company BaseCurrencyID Active:bool LastModifiedDateTime:dt",
           readonly=("BranchID", "BranchName", "Company", "BaseCurrencyID", "Active", "LastModifiedDateTime"),
           labels={"BranchID": "Branch ID", "BranchName": "Branch Name"}),
    title="Branches", screen="CS102000", keys=("BranchID",),
    graph="PX.Objects.CS.BranchMaint", view="BAccount", table="Branch",
)

TOP_LEVEL = (
    ACCOUNT_GROUP, BILL, BRANCH, CHANGE_ORDER, CHECK, COMPANY, COST_CODE, CUSTOMER, PROJECT, PROJECT_BUDGET,
    PROJECT_TASK, PROJECT_TRANSACTION, PURCHASE_ORDER, SUBCONTRACT, VENDOR,
)
SUB_ENTITIES = (
    ADDRESS, CONTACT, VISIBILITY, PROJECT_PROPERTIES, PROJECT_BILLING, PROJECT_RETAINAGE, PROJECT_ADDRESS,
    PROJECT_BALANCE, TASK_PROPERTIES, TASK_BILLING, TASK_DEFAULTS, SUBCONTRACT_DETAIL, PO_DETAIL, CO_COST_BUDGET,
    CO_REVENUE_BUDGET, CO_COMMITMENT, BILL_DETAIL, BILL_APPLICATION, BILL_RETAINAGE_DOCUMENT, CHECK_DETAIL, CHECK_HISTORY, PM_TRAN_DETAIL,
)

SCHEMAS: dict[str, Entity] = {e.name: e for e in TOP_LEVEL + SUB_ENTITIES}
ENTITIES: dict[str, Entity] = {e.name: e for e in TOP_LEVEL}


def entity(name: str, version: str) -> Entity | None:
    """A top-level entity as served by ``version`` (None when that contract lacks it)."""
    found = ENTITIES.get(name)
    if found is None or not in_version(found.since, version):
        return None
    return found


def schema(name: str) -> Entity:
    return SCHEMAS[name]


def _check() -> None:
    for ent in SCHEMAS.values():
        for d in ent.details:
            assert d.entity in SCHEMAS, f"{ent.name}.{d.name} -> {d.entity}"
        for lk in ent.links:
            assert lk.entity in SCHEMAS, f"{ent.name}.{lk.name} -> {lk.entity}"
        for key in ent.keys:
            assert ent.field(key) is not None, f"{ent.name} key {key}"


_check()
