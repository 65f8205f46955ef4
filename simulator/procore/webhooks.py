"""Webhooks: the hooks, triggers and deliveries API, and real deliveries.

Every change the sync core audits (an object created, edited, or moved along the ERP workflow) becomes an event;
each hook whose trigger names the object's resource and the event type gets a delivery, stored in the tenant's
records in the same transaction as the change (a change that rolls back sends nothing). A sender thread per app
POSTs due deliveries to the hook's URL with its headers and the payload version the hook asked for, waits at
most ``webhook_timeout`` seconds for a 2xx, and retries with exponential backoff on the simulator clock until
``webhook_attempts`` run out (then the delivery is ``discarded``). The deliveries list shows each attempt.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable
from typing import Any

import httpx

from simulator.procore.kinds import project_id_of
from simulator.store import Store
from sync_core import objects as o
from sync_core.procore import Company
from sync_core.workflow import AuditEntry

HOOK = "procore.hook"
TRIGGER = "procore.trigger"
DELIVERY = "procore.delivery"
VERSIONS = ("v2.0", "v3.0", "v4.0")
EVENT_TYPES = ("create", "update", "delete")
# The display names Procore gives the resources (UNVERIFIED for the financial ones, reference §2.10).
RESOURCES = {
    "project": "Projects", "vendor": "Company Vendors", "cost_code": "Cost Codes", "line_item_type":
    "Line Item Types", "sub_job": "Sub Jobs", "budget": "Budgets", "budget_line_item": "Budget Line Items",
    "budget_modification": "Budget Modifications", "work_order_contract": "Work Order Contracts",
    "purchase_order_contract": "Purchase Order Contracts", "change_order": "Commitment Change Orders",
    "prime_contract": "Prime Contracts", "pcco": "Prime Change Orders", "requisition": "Requisitions",
    "item": "Direct Costs", "contract_payment": "Contract Payments",
}
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def ulid(at: float) -> str:
    value = (int(at * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    return "".join(CROCKFORD[(value >> (5 * i)) & 31] for i in reversed(range(26)))


# -- events ---------------------------------------------------------------------------------------------------------


def on_audit(clock: Any, wake: Callable[[], None]) -> Callable[[Company, AuditEntry, str], None]:
    """The sync core's audit listener: queue a delivery for every hook that wants this event."""

    def listener(company: Company, entry: AuditEntry, slug: str) -> None:
        resource = RESOURCES.get(entry.object_type)
        if resource is None:
            return
        records = company.records.records
        hooks = list(records.iter(HOOK))
        if not hooks:
            return
        event_type = "create" if entry.action == "create" else "update"
        item = _item(company, slug, entry.object_id)
        project_id = None if item is None else project_id_of(item)
        user = next((u for u in company.users.all() if u.data["name"] == entry.actor), None)
        config = (company.store.get_tenant(company.procore.tenant_of(company.id)).config  # type: ignore[union-attr]
                  .get("procore") or {})
        now = clock.time()
        for hook in hooks:
            scope = hook.data.get("owned_by_project_id")
            if scope is not None and scope != project_id:
                continue
            for trigger in records.children(TRIGGER, hook.id):
                if trigger.data["resource_name"] == resource and trigger.data["event_type"] == event_type:
                    event = {"event_type": event_type, "resource_name": resource, "resource_id": entry.object_id,
                             "project_id": project_id, "company_id": config.get("company_id"),
                             "user_id": None if user is None else user.id, "timestamp": now, "ulid": ulid(now),
                             "action": entry.action, "erp_status": entry.to_status}
                    records.insert(DELIVERY, {"event": event, "status": "pending", "attempts": [],
                                              "next_at": now}, parent=hook.id)
                    break
        wake()

    return listener


def _item(company: Company, slug: str, item_id: int) -> o.Entity | None:
    cls = o.KINDS.get(f"pm.{slug}")
    record = None if cls is None else company.records.get(cls.kind, item_id)
    return None if cls is None or record is None else cls(company, record.id, record.data, record.parent)


def payload(version: str, delivery_id: int, event: dict[str, Any]) -> dict[str, Any]:
    stamp = dt.datetime.fromtimestamp(event["timestamp"], tz=dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if version == "v4.0":
        return {"id": event["ulid"], "timestamp": stamp, "reason": event["event_type"],
                "company_id": str(event["company_id"]), "project_id": None if event["project_id"] is None
                else str(event["project_id"]), "user_id": None if event["user_id"] is None else str(event["user_id"]),
                "resource_type": event["resource_name"], "resource_id": str(event["resource_id"])}
    body = {"id": delivery_id, "ulid": event["ulid"], "timestamp": stamp,
            "metadata": {"source_user_id": event["user_id"], "source_project_id": event["project_id"],
                         "source_operation_id": None, "source_company_id": event["company_id"],
                         "source_application_id": None},
            "user_id": event["user_id"], "company_id": event["company_id"], "project_id": event["project_id"],
            "api_version": version, "event_type": event["event_type"], "resource_name": event["resource_name"],
            "resource_id": event["resource_id"]}
    if version == "v3.0":
        body["related_resources"] = []
    return body


# -- the sender -------------------------------------------------------------------------------------------------------


class Sender:
    """POSTs due deliveries from a daemon thread; ``wake`` after queueing one."""

    def __init__(self, store: Store, clock: Any) -> None:
        self.store = store
        self.clock = clock
        self._event = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def wake(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="erpsim-webhooks", daemon=True)
                self._thread.start()
        self._event.set()

    def _run(self) -> None:
        while True:
            self._event.wait(0.25)
            self._event.clear()
            try:
                self.send_due()
            except Exception:  # noqa: BLE001 - a closed store (the app is gone) ends the thread
                return

    def send_due(self) -> int:
        """Send every delivery due now; returns how many were attempted."""
        sent = 0
        now = self.clock.time()
        for tenant in self.store.list_tenants():
            records = self.store.records(tenant.id)
            if records.count(DELIVERY) == 0:
                continue
            config = tenant.config.get("procore") or {}
            for row in list(records.iter(DELIVERY)):
                if row.data["status"] not in ("pending", "retrying") or row.data["next_at"] > now:
                    continue
                hook = records.get(HOOK, row.parent) if row.parent is not None else None
                if hook is None:
                    records.delete(DELIVERY, row.id)
                    continue
                self._attempt(records, row.id, dict(row.data), hook.data, config)
                sent += 1
        return sent

    def _attempt(self, records: Any, delivery_id: int, data: dict[str, Any], hook: dict[str, Any],
                 config: dict[str, Any]) -> None:
        started = self.clock.time()
        version = str(hook.get("api_version") or "v2.0")
        attempt: dict[str, Any] = {"started_at": started, "response_status": None, "response_headers": {},
                                   "response_body": None, "response_error": None}
        headers = {"Content-Type": "application/json", **{str(k): str(v) for k, v in
                                                          (hook.get("destination_headers") or {}).items()}}
        try:
            # A client per attempt: no connection outlives the delivery (the receiver may be gone by the retry).
            with httpx.Client(follow_redirects=False, timeout=float(config.get("webhook_timeout", 5.0))) as client:
                response = client.post(str(hook["destination_url"]), json=payload(version, delivery_id,
                                                                                    data["event"]), headers=headers)
            attempt.update(response_status=response.status_code, response_headers=dict(response.headers),
                           response_body=response.text[:2000])
            ok = 200 <= response.status_code < 300
        except httpx.HTTPError as exc:
            attempt["response_error"] = f"{type(exc).__name__}: {exc}"
            ok = False
        attempt["completed_at"] = self.clock.time()
        attempts = list(data.get("attempts") or []) + [attempt]
        limit = int(config.get("webhook_attempts", 6))
        if ok:
            status, next_at = "ok", data["next_at"]
        elif len(attempts) >= limit:
            status, next_at = "discarded", data["next_at"]
        else:
            delay = min(float(config.get("webhook_retry_base", 1.0)) * 2 ** (len(attempts) - 1),
                        float(config.get("webhook_retry_max", 3600.0)))
            status, next_at = "retrying", self.clock.time() + delay
        records.update(DELIVERY, delivery_id, dict(data, status=status, attempts=attempts, next_at=next_at))


def sender_of(app: Any) -> Sender:
    sender = getattr(app.state, "webhook_sender", None)
    if sender is None:
        sender = Sender(app.state.store, app.state.clock)
        app.state.webhook_sender = sender
    return sender


def install(app: Any, procore: Any) -> None:
    """Turn the app's audited changes into webhook deliveries."""
    sender = sender_of(app)
    procore.on_audit = on_audit(app.state.clock, sender.wake)

