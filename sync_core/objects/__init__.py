"""Procore's financial objects, one module per Procore tool.

| tool | module |
|---|---|
| Directory (users, companies/vendors) | ``directory`` |
| Company cost types and the ERP Standard Cost Code list | ``cost_codes`` |
| Projects, project cost codes, sub jobs | ``projects`` |
| Budget, budget modifications, ERP job costs | ``budget`` |
| Commitments (subcontracts, purchase orders) and their SOV | ``commitments`` |
| Commitment change orders | ``change_orders`` |
| Prime contract and PCCOs | ``prime_contract`` |
| Subcontractor invoices (requisitions) | ``invoices`` |
| Direct costs | ``direct_costs`` |
| Commitment payments | ``payments`` |

Each module imports only the ones below it; ``base`` holds what every object
shares. Everything is re-exported here, so ``from sync_core import objects as o;
o.Commitment`` keeps working.
"""

from sync_core.objects.base import KINDS, ZERO, Collection, Entity, Line
from sync_core.objects.budget import Budget, BudgetLine, BudgetModification, BudgetModifications, JobCost
from sync_core.objects.change_orders import ChangeOrder, ChangeOrderLine, ChangeOrders
from sync_core.objects.commitments import (
    PO_STATUSES,
    SUBCONTRACT_STATUSES,
    Commitment,
    CommitmentLine,
    Commitments,
)
from sync_core.objects.cost_codes import CostType, CostTypes, StandardCostCode, StandardCostCodes
from sync_core.objects.direct_costs import DirectCost
from sync_core.objects.directory import PERMISSION_LEVELS, Directory, User, Users, Vendor
from sync_core.objects.invoices import INVOICE_STATUSES, Invoice, InvoiceLine, Invoices
from sync_core.objects.payments import CommitmentPayment
from sync_core.objects.prime_contract import (
    PRIME_STATUSES,
    Pcco,
    PccoLine,
    Pccos,
    PrimeContract,
    PrimeContractLine,
    PrimeContracts,
)
from sync_core.objects.projects import Project, ProjectCostCode, ProjectCostCodes, Projects, SubJob

__all__ = [
    "INVOICE_STATUSES", "KINDS", "PERMISSION_LEVELS", "PO_STATUSES", "PRIME_STATUSES", "SUBCONTRACT_STATUSES", "ZERO",
    "Budget", "BudgetLine", "BudgetModification", "BudgetModifications", "ChangeOrder", "ChangeOrderLine",
    "ChangeOrders", "Collection", "Commitment", "CommitmentLine", "CommitmentPayment", "Commitments", "CostType",
    "CostTypes", "DirectCost", "Directory", "Entity", "Invoice", "InvoiceLine", "Invoices", "JobCost", "Line", "Pcco",
    "PccoLine", "Pccos", "PrimeContract", "PrimeContractLine", "PrimeContracts", "Project", "ProjectCostCode",
    "ProjectCostCodes", "Projects", "StandardCostCode", "StandardCostCodes", "SubJob", "User", "Users", "Vendor",
]
