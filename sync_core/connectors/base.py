"""What every ERP connector provides to the sync core.

A connector speaks only its ERP's wire protocol over an ``httpx.Client``, so
the same class can point at the simulator or at a real ERP. It declares its
capability matrix (from the seeds), which ERP ids the accounting approver types
at acceptance, any ERP-specific send rules, and then one method per export and
per import arrow. The core has already checked the matrix, the field limits and
the workflow preconditions before any of these methods runs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn, TypeVar

import httpx

from sync_core import payloads as p
from sync_core.capabilities import CapabilityMatrix
from sync_core.delivery import Deliverer, RetryPolicy, TransientError
from sync_core.errors import Refused

T = TypeVar("T")


@dataclass(frozen=True)
class AcceptField:
    """An ERP id the accounting approver enters on the Ready to Export screen."""

    name: str
    label: str
    required: bool = True
    pattern: str | None = None
    pattern_text: str = ""
    max_length: int | None = None
    prefill: str | None = None
    """Attribute of the item whose value is offered when the approver leaves this blank."""


@dataclass
class ExportContext:
    """One export's delivery: retries, the ledger's verdict, the stable token, today's date."""

    deliverer: Deliverer
    may_adopt: bool
    token: str
    before_create: Callable[[], None]
    today: dt.date

    def __post_init__(self) -> None:
        # Resuming an earlier attempt: parts of the record may already be in the ERP.
        self.resuming = self.may_adopt

    def ensure(self, what: str, find: Callable[[], T | None], create: Callable[[], T]) -> tuple[T, bool]:
        """The item's own ERP record, found-or-created once (refuses a record made by someone else)."""
        key, adopted = self.deliverer.ensure(what, find, create, may_adopt=self.may_adopt,
                                             before_create=self.before_create)
        self.may_adopt = True
        self.resuming = self.resuming or adopted
        return key, adopted

    def ensure_part(self, what: str, find: Callable[[], T | None], create: Callable[[], T], *,
                    look_first: bool = False) -> T:
        """A record that belongs to the item (a task, a line): adopted if an earlier attempt made it.

        The first lookup is skipped for parts of a record this export has just created, unless
        ``look_first`` (for shared records, such as company-wide cost codes, that may exist already).
        """
        key, _ = self.deliverer.ensure(what, find, create, may_adopt=True, look_first=look_first or self.resuming)
        return key

    def call(self, what: str, fn: Callable[[], T]) -> T:
        return self.deliverer.call(what, fn)


def transport_error(exc: httpx.TransportError) -> TransientError:
    """An httpx failure as the retry logic sees it: the request may or may not have landed."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return TransientError(TransientError.SERVER_ERROR, f"could not connect to the ERP: {exc}")
    return TransientError(TransientError.LOST_RESPONSE, f"the ERP's response was lost: {exc.__class__.__name__}: {exc}")


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class Connector:
    """Base class: the matrix, the approver's fields, and the export/import arrows."""

    erp: ClassVar[str]
    title: ClassVar[str]
    matrix: CapabilityMatrix
    direct_cost_statuses: ClassVar[frozenset[str]] = frozenset()
    """ERP statuses of job cost transactions that may become Procore direct costs."""

    sleep: Callable[[float], Any] = time.sleep
    """How the connector waits between tries of a read (sign_in passes the company's clock)."""
    read_policy: ClassVar[RetryPolicy] = RetryPolicy(attempts=6, base_delay=0.25, max_delay=5.0)

    def reading(self, what: str, fn: Callable[[], T]) -> T:
        """A read, tried again on a transient failure: repeating it changes nothing in the ERP.

        Reads sit between the creates of an export and inside imports; retrying each in place
        keeps one lost answer from failing (and re-running) the whole export.
        """
        return Deliverer(self.read_policy, self.sleep).call(what, fn)

    def accept_fields(self, object_name: str) -> tuple[AcceptField, ...]:
        return ()

    def check_export(self, object_name: str, values: dict[str, Any]) -> list[tuple[str, str]]:
        """ERP-specific send rules beyond the matrix and limits, as (rule, message)."""
        return []

    def close(self) -> None:
        """Sign out and release the HTTP client if this connector owns it."""

    def _not_offered(self, arrow: str) -> NoReturn:
        """An arrow this connector does not carry. The capability matrix refuses it first; this is the backstop."""
        raise Refused(f"{self.erp}.{arrow}.not_offered",
                      f"The {self.title} connector does not offer {arrow.replace('_', ' ')}.")

    # -- exports -------------------------------------------------------------

    def export_job(self, job: p.JobExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_job")

    def export_cost_codes(self, job_id: str, codes: tuple[p.CostCodeSpec, ...], ctx: ExportContext) -> dict[str, str]:
        """Add project cost codes (and their cost types) to an already synced job; code -> origin id."""
        self._not_offered("export_cost_codes")

    def export_sub_job(self, sub_job: p.SubJobExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_sub_job")

    def export_vendor(self, vendor: p.VendorExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_vendor")

    def export_budget(self, budget: p.BudgetExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_budget")

    def export_budget_modification(self, mod: p.BudgetModificationExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_budget_modification")

    def export_commitment(self, commitment: p.CommitmentExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_commitment")

    def export_change_order(self, cco: p.ChangeOrderExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_change_order")

    def export_prime_contract(self, contract: p.PrimeContractExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_prime_contract")

    def export_pcco(self, pcco: p.PccoExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_pcco")

    def export_invoice(self, invoice: p.InvoiceExport, ctx: ExportContext) -> p.Receipt:
        self._not_offered("export_invoice")

    def exists(self, object_name: str, origin_id: str, origin_data: dict[str, Any]) -> bool:
        """Whether the ERP still has the record (unlink is allowed only when it does not)."""
        self._not_offered("exists")

    # -- imports -------------------------------------------------------------

    def fetch_cost_codes(self) -> list[p.ErpCostCode]:
        self._not_offered("fetch_cost_codes")

    def fetch_cost_types(self) -> list[p.ErpCostType]:
        self._not_offered("fetch_cost_types")

    def fetch_jobs(self) -> list[p.ErpJob]:
        self._not_offered("fetch_jobs")

    def fetch_sub_jobs(self, job_id: str) -> list[p.ErpSubJob]:
        self._not_offered("fetch_sub_jobs")

    def fetch_vendors(self) -> list[p.ErpVendor]:
        self._not_offered("fetch_vendors")

    def fetch_budget(self, job_id: str) -> p.ErpBudget | None:
        self._not_offered("fetch_budget")

    def fetch_job_costs(self, job_id: str, today: dt.date) -> list[p.ErpJobCost]:
        self._not_offered("fetch_job_costs")

    def fetch_cost_transactions(self, job_id: str) -> list[p.ErpCostTransaction]:
        self._not_offered("fetch_cost_transactions")

    def fetch_payments(self, invoice_origins: dict[str, dict[str, Any]]) -> list[p.ErpPayment]:
        """Payments applied to the given synced invoices (origin id -> origin data)."""
        self._not_offered("fetch_payments")


def transient_status(response: httpx.Response) -> TransientError | None:
    """429 and 5xx are worth retrying; anything else is the ERP's answer."""
    status = response.status_code
    if status == 429:
        return TransientError(TransientError.RATE_LIMITED, "HTTP 429 Too Many Requests from the ERP",
                              retry_after=retry_after(response))
    if status >= 500:
        snippet = response.text[:200].strip().replace("\n", " ")
        return TransientError(TransientError.SERVER_ERROR, f"HTTP {status} from the ERP" +
                              (f": {snippet}" if snippet else ""), retry_after=retry_after(response))
    return None
