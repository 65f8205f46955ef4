"""The company-level ERP Integrations tool: send, retrieve, accept, reject, resend, unlink.

Every action checks, in this order, and before any HTTP call:

1. the acting user's permission;
2. that the action is available from the item's ERP status (``workflow``);
3. the connector's capability matrix (``Refused``, naming the rule);
4. the workflow preconditions (``PreconditionFailed``, listing each problem);
5. the ERP's own rules and field limits (``Refused``, naming the rule).

Accepting runs the export at once (exports are instant upon approval) and
ends in *synced* or *failed to export* with the ERP's own message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sync_core import objects as o
from sync_core import payloads as p
from sync_core import wbs
from sync_core.capabilities import Direction
from sync_core.connectors.base import AcceptField, Connector, ExportContext
from sync_core.context import CompanyContext as Company
from sync_core.delivery import AlreadyInErp, ConnectorError, Deliverer, GaveUp
from sync_core.errors import (
    DuplicateOriginId,
    PermissionDenied,
    PreconditionFailed,
    Refused,
    SyncError,
    ValidationFailed,
)
from sync_core.values import to_date
from sync_core.workflow import ErpStatus, next_status

WORKFLOW_CLASSES: tuple[type[o.Entity], ...] = (
    o.Vendor, o.Project, o.SubJob, o.Budget, o.BudgetModification, o.Commitment, o.ChangeOrder,
    o.PrimeContract, o.Pcco, o.Invoice,
)
# The ERP Integrations tool offers unlink for these (the others need a reset from Procore).
UNLINKABLE = (o.Vendor, o.Commitment, o.ChangeOrder, o.Pcco, o.Invoice)


class StillInErp(SyncError):
    """Unlink refused: the record still exists in the ERP."""


@dataclass
class ExportOutcome:
    """What happened when the approver accepted an item."""

    item: o.Entity
    status: ErpStatus
    origin_id: str | None
    message: str
    attempts: int
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status is ErpStatus.SYNCED

    def __str__(self) -> str:
        head = f"{self.item.describe()}: {self.status.label}"
        if self.ok:
            head += f" (ERP id {self.origin_id})"
        return head + (f" - {self.message}" if self.message else "")


class ErpIntegrations:
    def __init__(self, company: Company) -> None:
        self.company = company

    # -- views ---------------------------------------------------------------

    def items(self, status: ErpStatus | None = None) -> list[o.Entity]:
        found: list[o.Entity] = []
        for cls in WORKFLOW_CLASSES:
            for record in self.company.records.iter(cls.kind):
                item = cls(self.company, record.id, record.data, record.parent)
                if status is None or item.erp_status is status:
                    found.append(item)
        return found

    def ready_to_export(self) -> list[o.Entity]:
        return self.items(ErpStatus.READY_TO_EXPORT)

    def synced(self) -> list[o.Entity]:
        return self.items(ErpStatus.SYNCED)

    def failed(self) -> list[o.Entity]:
        return self.items(ErpStatus.FAILED_TO_EXPORT)

    def rejected(self) -> list[o.Entity]:
        return self.items(ErpStatus.REJECTED)

    def audit_log(self) -> list[Any]:
        return self.company.records.audit_log()

    # -- sending -------------------------------------------------------------

    def send(self, item: o.Entity, *, by: Any = None) -> None:
        action = item.send_action() if isinstance(item, o.Budget) else "send"
        self._send(item, by, action)

    def resend(self, item: o.Entity, *, by: Any = None) -> None:
        self._send(item, by, "resend")

    def _send(self, item: o.Entity, by: Any, action: str) -> None:
        user = self._sender(item, by)
        item.refresh()
        target = next_status(item.erp_status, action, item.describe())
        connector = self.company.require_connector()
        self.check_sendable(item, connector)
        with self.company.acting(user):
            before = item.erp_status
            item._write({"erp_status": target.value, "rejection_reason": None, "erp_message": None})
            verb = {"send": "sent to ERP", "resend": "re-sent to ERP", "update": "sent its changes to ERP"}[action]
            item._audit(action, verb, from_status=before.value, to_status=target.value)

    def _sender(self, item: o.Entity, by: Any) -> o.User:
        user = self._user(by)
        level = user.level(item.tool)
        if level != "admin":
            raise PermissionDenied(
                f"{user.data['name']} cannot send {item.describe()} to ERP: sending, retrieving or re-sending "
                f"items needs 'Admin' on the {item.tool.replace('_', ' ')} tool (they have '{level}')")
        return user

    def _user(self, by: Any) -> o.User:
        if by is None:
            return self.company.owner
        if not isinstance(by, o.User) or by.company.id != self.company.id:
            raise PermissionDenied("actions must be taken by a user of this company")
        return by.refresh()

    def check_sendable(self, item: o.Entity, connector: Connector) -> dict[str, Any]:
        """All send checks; returns the values as they will be exported (limits applied)."""
        if item.erp_object is None:
            raise SyncError(f"{item.describe()} does not take part in the ERP Integrations workflow")
        matrix = connector.matrix
        matrix.require(item.erp_object, Direction.EXPORT)
        problems = item.send_problems()
        if problems:
            raise PreconditionFailed(item.describe(), problems)
        breaches = list(self._structure_breaches(item, connector))
        values = item.limit_values()
        limit_breaches, exported = matrix.check_limits(item.erp_object, values)
        breaches.extend(limit_breaches)
        breaches.extend(connector.check_export(item.erp_object, self._rule_values(item, values)))
        if breaches:
            rule = breaches[0][0]
            # Refused names the first rule; any other rule broken is named beside its own message.
            detail = "; ".join(msg if r == rule else f"{msg} [rule: {r}]" for r, msg in breaches)
            raise Refused(rule, f"{item.describe()} cannot be sent to {connector.title}: {detail}")
        return exported

    def _rule_values(self, item: o.Entity, values: dict[str, Any]) -> dict[str, Any]:
        """Facts the connector's own rules look at."""
        facts = dict(values)
        project = _project_of(item)
        if project is not None:
            facts["has_sub_jobs"] = bool(project.sub_jobs.all())
            facts["cost_codes"] = [c.code for c in project.cost_codes.all()]
        if isinstance(item, o.Budget):
            facts["line_amounts"] = [ln.amount for ln in item.lines if not ln.in_erp]
        if isinstance(item, o.Invoice):
            facts["amount_this_period"] = item.amount_this_period
            facts["work_completed"] = item.work_completed_this_period
            facts["retainage_released"] = item.retainage_released
            facts["work_retainage_released"] = sum((ln.work_retainage_released for ln in item.lines), o.ZERO)
        return facts

    def _structure_breaches(self, item: o.Entity, connector: Connector) -> Iterator[tuple[str, str]]:
        project = _project_of(item)
        if project is None or not isinstance(item, (o.Project, o.SubJob, o.Budget, o.Commitment)):
            return
        codes = [c.code for c in project.cost_codes.all()]
        _, breaches = wbs.check(codes, allowed=connector.matrix.cost_code_delimiters, erp=connector.title,
                                rule_prefix=connector.erp)
        for b in breaches:
            yield b.rule, b.message

    def retrieve(self, item: o.Entity, *, by: Any = None) -> None:
        user = self._sender(item, by)
        item.refresh()
        target = next_status(item.erp_status, "retrieve", item.describe())
        with self.company.acting(user):
            before = item.erp_status
            item._write({"erp_status": target.value})
            item._audit("retrieve", "retrieved from ERP Integrations; editable again",
                        from_status=before.value, to_status=target.value)

    # -- the approver ----------------------------------------------------------

    def _approver(self, approver: Any, verb: str, item: o.Entity) -> o.User:
        user = self._user(approver)
        if user.data.get("erp_integrations") != "admin":
            raise PermissionDenied(
                f"{user.data['name']} cannot {verb} {item.describe()}: accounting approvers need 'Admin' on the "
                f"ERP Integrations tool (they have '{user.data.get('erp_integrations')}')")
        if not user.data.get("can_push_to_accounting"):
            raise PermissionDenied(
                f"{user.data['name']} cannot {verb} {item.describe()}: accounting approvers need the "
                f"'Can Push to Accounting' privilege, which only Procore can grant")
        return user

    def reject(self, item: o.Entity, *, approver: Any, reason: str) -> None:
        user = self._approver(approver, "reject", item)
        if not isinstance(reason, str) or not reason.strip():
            raise ValidationFailed(["a rejection needs a reason, which is e-mailed to the sender"])
        item.refresh()
        target = next_status(item.erp_status, "reject", item.describe())
        with self.company.acting(user):
            before = item.erp_status
            item._write({"erp_status": target.value, "rejection_reason": reason.strip()})
            item._audit("reject", reason.strip(), from_status=before.value, to_status=target.value)

    def accept_fields(self, item: o.Entity) -> tuple[AcceptField, ...]:
        connector = self.company.require_connector()
        return connector.accept_fields(item.erp_object or "")

    def accept(self, item: o.Entity, *, approver: Any, **erp_fields: Any) -> ExportOutcome:
        user = self._approver(approver, "accept", item)
        item.refresh()
        if item.erp_status is not ErpStatus.EXPORTING:  # an interrupted export may be resumed
            next_status(item.erp_status, "accept", item.describe())
        connector = self.company.require_connector()
        fields = self._accept_values(item, connector, erp_fields)
        exported = self.check_sendable(item, connector)
        with self.company.acting(user):
            before = item.erp_status
            item._write({"erp_status": ErpStatus.EXPORTING.value, "accepted_fields": _jsonable(fields)})
            item._audit("accept", ", ".join(f"{k}={v}" for k, v in fields.items()),
                        from_status=before.value, to_status=ErpStatus.EXPORTING.value)
            return self._export(item, connector, fields, exported)

    def _accept_values(self, item: o.Entity, connector: Connector, given: dict[str, Any]) -> dict[str, Any]:
        specs = {f.name: f for f in connector.accept_fields(item.erp_object or "")}
        unknown = sorted(set(given) - set(specs))
        problems: list[str] = []
        if unknown:
            asks = ", ".join(f"{s.name} ({s.label})" for s in specs.values()) or "nothing"
            problems.append(f"{connector.title} does not ask for {', '.join(unknown)} when accepting "
                            f"{item.describe()}; it asks for: {asks}")
        values: dict[str, Any] = {}
        for spec in specs.values():
            value = given.get(spec.name)
            if value is None or (isinstance(value, str) and not value.strip()):
                value = self._prefill(item, spec)
            if value is None:
                if spec.required:
                    problems.append(f"enter the {spec.label} to accept {item.describe()}")
                continue
            if spec.name.endswith("_date"):
                try:
                    value = to_date(value)
                except ValueError:
                    problems.append(f"{spec.label} {value!r} is not a date")
                    continue
            else:
                value = str(value).strip()
                if spec.max_length is not None and len(value) > spec.max_length:
                    problems.append(f"{spec.label} must be {spec.max_length} characters or fewer in "
                                    f"{connector.title}")
                if spec.pattern is not None and not re.fullmatch(spec.pattern, value):
                    problems.append(f"{spec.label} {value!r} {spec.pattern_text}")
            values[spec.name] = value
        for name, object_type in (("erp_job_id", "project"), ("erp_vendor_id", "vendor")):
            value = values.get(name)
            if value is not None:
                owner = self.company.records.by_origin(object_type, str(value))
                if owner is not None and owner != (item.kind, item.id):
                    problems.append(f"{name.replace('_', ' ')} {value} is already linked to another {object_type} "
                                    f"in this company; origin ids are unique per object type")
        if problems:
            raise ValidationFailed(problems)
        return values

    def _prefill(self, item: o.Entity, spec: AcceptField) -> Any:
        if spec.prefill is None:
            return None
        if spec.prefill.startswith("="):  # a computed prefill such as the billing date
            return getattr(item, spec.prefill[1:], None)
        return item.data.get(spec.prefill)

    # -- the export itself -------------------------------------------------------

    def _export(self, item: o.Entity, connector: Connector, fields: dict[str, Any],
                exported: dict[str, Any]) -> ExportOutcome:
        company = self.company
        deliverer = Deliverer(company.policy, company.sleep)
        ledger = company.records.ensure_ledger(item.slug(), item.id, company.now_text())
        ctx = ExportContext(
            deliverer=deliverer,
            may_adopt=ledger["attempts"] > 0,
            token=ledger["token"],
            before_create=lambda: company.records.note_attempt(item.slug(), item.id, company.now_text()),
            today=company.today(),
        )
        tries = 0

        def once() -> Any:
            # A transient failure outside the connector's own retries (a read between two creates,
            # say) runs the export again; every record is found-or-created, so now it looks first.
            nonlocal tries
            tries += 1
            ctx.resuming = ctx.resuming or tries > 1
            self._refresh_cost_codes(item, connector, ctx)
            return self._dispatch(item, connector, fields, exported, ctx)

        try:
            receipt = deliverer.call(f"export of {item.describe()}", once)
            with company.store.transaction():
                self._link(item, receipt, fields)
        except (ConnectorError, DuplicateOriginId) as exc:
            message = self._failure_message(item, connector, exc)
            item._write({"erp_status": ErpStatus.FAILED_TO_EXPORT.value, "erp_message": message})
            detail = message if not deliverer.log else f"{message} (" + "; ".join(deliverer.log) + ")"
            item._audit("export_failed", detail, from_status=ErpStatus.EXPORTING.value,
                        to_status=ErpStatus.FAILED_TO_EXPORT.value)
            return ExportOutcome(item.refresh(), ErpStatus.FAILED_TO_EXPORT, None, message, deliverer.attempts,
                                 list(deliverer.log))
        except BaseException as exc:
            # A bug must not leave the item stuck in Exporting; say so, then let it surface.
            item._write({"erp_status": ErpStatus.FAILED_TO_EXPORT.value,
                         "erp_message": f"internal error during export: {exc!r}"})
            item._audit("export_failed", f"internal error: {exc!r}", from_status=ErpStatus.EXPORTING.value,
                        to_status=ErpStatus.FAILED_TO_EXPORT.value)
            raise
        notes = list(receipt.notes) + list(deliverer.log)
        item._audit("exported", f"linked to ERP record {receipt.origin_id}" + (f"; {'; '.join(notes)}" if notes
                                                                            else ""),
                    from_status=ErpStatus.EXPORTING.value, to_status=ErpStatus.SYNCED.value)
        message = "adopted the record an earlier attempt had created" if receipt.adopted else ""
        return ExportOutcome(item.refresh(), ErpStatus.SYNCED, receipt.origin_id, message, deliverer.attempts, notes)

    def _failure_message(self, item: o.Entity, connector: Connector, exc: Exception) -> str:
        if isinstance(exc, AlreadyInErp):
            what = {"projects": "a job", "vendors": "a vendor"}.get(item.erp_object or "", "this record")
            return (f"{exc.message} in {connector.title}, and it was not created from Procore. You cannot create "
                    f"{what} in both systems and then sync them: create it in one system and import or export it "
                    f"to the other")
        if isinstance(exc, GaveUp):
            return exc.message
        if isinstance(exc, ConnectorError):
            return f"{connector.title}: {exc.message}"
        return str(exc)

    def _refresh_cost_codes(self, item: o.Entity, connector: Connector, ctx: ExportContext) -> None:
        """Export project cost codes added since the job was synced (auto refresh before financial exports)."""
        if isinstance(item, (o.Project, o.Vendor)):
            return
        project = _project_of(item)
        if project is None or not project.synced or not project.erp_job_id:
            return
        specs = project.cost_code_specs(only_unsynced=True)
        if not specs:
            return
        origins = connector.export_cost_codes(project.erp_job_id, specs, ctx)
        with self.company.store.transaction():
            for code in project.cost_codes.all():
                origin = origins.get(code.code)
                if origin and not code.origin_id:
                    code._write({"origin_id": origin})
        project._audit("refresh_cost_codes", f"exported new cost codes {', '.join(s.code for s in specs)}")

    def _dispatch(self, item: o.Entity, connector: Connector, fields: dict[str, Any], exported: dict[str, Any],
                  ctx: ExportContext) -> p.Receipt:
        today = ctx.today
        if isinstance(item, o.Project):
            return connector.export_job(item.export_payload(str(fields["erp_job_id"])), ctx)
        if isinstance(item, o.Vendor):
            return connector.export_vendor(item.export_payload(str(fields["erp_vendor_id"])), ctx)
        if isinstance(item, o.SubJob):
            return connector.export_sub_job(item.export_payload(), ctx)
        if isinstance(item, o.Budget):
            return connector.export_budget(item.export_payload(), ctx)
        if isinstance(item, o.BudgetModification):
            return connector.export_budget_modification(item.export_payload(today), ctx)
        if isinstance(item, o.Commitment):
            return connector.export_commitment(item.export_payload(today, exported), ctx)
        if isinstance(item, o.ChangeOrder):
            return connector.export_change_order(item.export_payload(today, exported), ctx)
        if isinstance(item, o.PrimeContract):
            return connector.export_prime_contract(item.export_payload(today), ctx)
        if isinstance(item, o.Pcco):
            return connector.export_pcco(item.export_payload(today), ctx)
        if isinstance(item, o.Invoice):
            return connector.export_invoice(item.export_payload(fields), ctx)
        raise SyncError(f"{item.describe()} cannot be exported")

    def _link(self, item: o.Entity, receipt: p.Receipt, fields: dict[str, Any]) -> None:
        records = self.company.records
        if item.origin_id and item.origin_id != receipt.origin_id:
            records.unlink_origin(item.object_type, item.origin_id)
        records.link_origin(item.object_type, receipt.origin_id, item.kind, item.id)
        changes: dict[str, Any] = {"erp_status": ErpStatus.SYNCED.value, "origin_id": receipt.origin_id,
                                   "origin_data": dict(item.origin_data, **receipt.origin_data), "erp_message": None}
        if isinstance(item, o.Project):
            changes["erp_job_id"] = str(fields["erp_job_id"])
        if isinstance(item, o.Vendor):
            changes["erp_vendor_id"] = str(fields["erp_vendor_id"])
        if isinstance(item, o.Invoice):
            changes["erp_invoice_id"] = str(fields["erp_invoice_id"])
        item._write(changes)
        if isinstance(item, o.Project):
            for code in item.cost_codes.all():
                if not code.origin_id:
                    code._write({"origin_id": f"{receipt.origin_id}:{code.code}"})
        by_id = {line.id: line for line in item.lines_for_lock()}
        for line_id in receipt.omitted:
            if line_id in by_id:
                by_id[line_id]._write({"erp_omitted": True})
        for line_id, origin in receipt.line_origins.items():
            line = by_id.get(line_id)
            if line is not None:
                records.link_origin(line.object_type, origin, line.kind, line.id)
                line._write({"origin_id": origin})

    # -- unlink ----------------------------------------------------------------

    def unlink(self, item: o.Entity, *, by: Any = None) -> None:
        user = self._user(by)
        if user.data.get("erp_integrations") not in ("standard", "admin"):
            raise PermissionDenied(f"{user.data['name']} cannot unlink {item.describe()}: unlinking needs 'Standard' "
                                   f"or 'Admin' on the ERP Integrations tool")
        if not isinstance(item, UNLINKABLE):
            raise SyncError(f"{item.describe()} cannot be unlinked in the ERP Integrations tool; ask Procore to "
                            f"reset it")
        item.refresh()
        target = next_status(item.erp_status, "unlink", item.describe())
        dependants = self._synced_dependants(item)
        if dependants:
            raise SyncError(f"unlink {', '.join(d.describe() for d in dependants)} before unlinking "
                            f"{item.describe()}")
        connector = self.company.require_connector()
        deliverer = Deliverer(self.company.policy, self.company.sleep)
        still_there = deliverer.call(f"look up {item.describe()}",
                                     lambda: connector.exists(item.erp_object or "", item.origin_id or "",
                                                              item.origin_data))
        if still_there:
            raise StillInErp(f"The {item.label.lower()} is still in {connector.title} (ERP id {item.origin_id}). "
                             f"Please delete it there before retrying the unlink")
        records = self.company.records
        with self.company.acting(user), self.company.store.transaction():
            old = item.origin_id
            if old:
                records.unlink_origin(item.object_type, old)
            for line in item.lines_for_lock():
                if line.origin_id:
                    records.unlink_origin(line.object_type, line.origin_id)
                    line._write({"origin_id": None})
            changes: dict[str, Any] = {"erp_status": target.value, "origin_id": None, "origin_data": {}}
            if isinstance(item, o.Vendor):
                changes["erp_vendor_id"] = None
            item._write(changes)
            records.forget_ledger(item.slug(), item.id)
            item._audit("unlink", f"ERP record {old} no longer exists; unlinked", from_status="synced",
                        to_status=target.value)

    def _synced_dependants(self, item: o.Entity) -> list[o.Entity]:
        if isinstance(item, o.Commitment):
            deps: list[o.Entity] = [*item.change_orders.all(), *item.invoices.all()]
        elif isinstance(item, o.Vendor):
            deps = [c for proj in self.company.projects.all() for c in proj.commitments.all()
                    if c.data.get("vendor") == item.id]
        else:
            deps = []
        return [d for d in deps if d.erp_status is not ErpStatus.NOT_IN_ERP]


def _project_of(item: o.Entity) -> o.Project | None:
    if isinstance(item, o.Project):
        return item
    if isinstance(item, (o.SubJob, o.Budget, o.BudgetModification, o.Commitment, o.PrimeContract)):
        return item.project
    if isinstance(item, o.ChangeOrder):
        return item.commitment.project
    if isinstance(item, o.Invoice):
        return item.commitment.project
    if isinstance(item, o.Pcco):
        return item.prime_contract.project
    return None


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in values.items()}

