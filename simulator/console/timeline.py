"""The timeline of an item: every workflow event (sent, accepted by whom, rejected with what reason, synced)
and every exchange with the ERP that a console action on it caused, request and response pretty-printed.

Exchanges come from the request journal (``simulator.journal``), which records every ERP exchange per
tenant with credentials masked. The console notes which journal entries each of its actions caused, as a
``console.exchanges`` record beside the item, so the timeline shows exactly those.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from lxml import etree
from starlette.requests import Request

from simulator.store import Store, Tenant
from sync_core import objects as o

T = TypeVar("T")
KIND = "console.exchanges"


@dataclass
class Event:
    at: str
    actor: str
    action: str
    detail: str = ""
    from_status: str | None = None
    to_status: str | None = None
    exchanges: list[dict[str, Any]] = field(default_factory=list)


def journal_of(store: Store) -> Any:
    """The request journal, where this server has one."""
    try:
        from simulator.journal.log import Journal
    except ImportError:
        return None
    return Journal(store)


def _last_id(store: Store, tenant: str) -> int:
    journal = journal_of(store)
    if journal is None:
        return 0
    from simulator.journal.log import Matcher

    newest = journal.find(tenant, Matcher(), limit=1)
    return int(newest[0]["id"]) if newest else 0


def item_key(item: o.Entity) -> str:
    return f"{item.kind}:{item.id}"


async def recorded(request: Request, seat: Tenant, item: o.Entity, work: Awaitable[T]) -> T:
    """Await ``work`` (an action on ``item`` that talks to the ERP) and note the exchanges it caused."""
    store: Store = request.app.state.store
    before, events_before = _last_id(store, seat.id), len(item.history())
    try:
        return await work
    finally:
        after = _last_id(store, seat.id)
        if after > before:
            store.records(seat.id).insert(KIND, {"item": item_key(item), "after": before, "until": after,
                                                 "events": len(item.history()), "events_before": events_before})


def pretty(body: Any) -> str:
    """A body as a person reads it: XML indented, JSON indented, anything else as it came."""
    if body is None:
        return ""
    if not isinstance(body, str):
        return json.dumps(body, indent=2, ensure_ascii=False, default=str)
    text = body.strip()
    if text.startswith("<"):
        try:
            parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)
            return etree.tostring(etree.fromstring(text.encode(), parser), pretty_print=True,
                                  encoding="unicode").strip()
        except etree.XMLSyntaxError:
            return body
    if text.startswith(("{", "[")):
        try:
            return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            return body
    return body


def _exchange(entry: dict[str, Any]) -> dict[str, Any]:
    request = entry.get("request") or {}
    response = entry.get("response") or {}
    operations = ", ".join(f"{op.get('name', '')} {op.get('object', '')}".strip()
                           for op in entry.get("operations") or [])
    return {"id": entry.get("id"), "at": entry.get("at"), "erp": entry.get("erp"), "method": entry.get("method"),
            "path": entry.get("path"), "status": entry.get("status"), "operations": operations,
            "request": pretty(request.get("body")), "response": pretty(response.get("body")),
            "request_headers": request.get("headers") or [], "response_headers": response.get("headers") or []}


def batches_for(store: Store, tenant: str, item: o.Entity) -> list[tuple[int, list[dict[str, Any]]]]:
    """(how many workflow events there were once the action ended, the journal entries it caused) for each
    recorded console action on ``item``, oldest first."""
    journal = journal_of(store)
    if journal is None:
        return []
    out = []
    for rec in store.records(tenant).scan(KIND):
        if rec.data.get("item") != item_key(item):
            continue
        entries = [journal.get(tenant, n) for n in range(int(rec.data["after"]) + 1, int(rec.data["until"]) + 1)]
        out.append((int(rec.data["events"]), [_exchange(e) for e in entries if e is not None]))
    return out


def events(request: Request, seat: Tenant, item: o.Entity) -> list[Event]:
    """The item's workflow events, oldest first; the last event an ERP-reaching action made carries the
    exchanges that action caused."""
    store: Store = request.app.state.store
    out = [Event(e.at, e.actor, e.action, e.detail, e.from_status, e.to_status) for e in item.history()]
    for count, batch in batches_for(store, seat.id, item):
        if 0 < count <= len(out):
            out[count - 1].exchanges.extend(batch)
        elif batch:
            out.append(Event(batch[0]["at"] or "", "", "exchanged with the ERP", exchanges=batch))
    return out


def journal_present(request: Request) -> bool:
    return journal_of(request.app.state.store) is not None


def _register() -> None:
    from simulator.console.web import env

    env.globals["journal_present"] = journal_present


_register()
