"""Training seats: the list at ``/``, a new seat (or a class of them) from a fixture, reset,
snapshot download and restore, and each seat's overview."""

from __future__ import annotations

import json

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from simulator import datasets
from simulator.console import books
from simulator.console.web import FORM_LIMIT, form_of, page, redirect, render, seat_of, tenants_of, text
from simulator.tenants import TenantError

MAX_CLASS = 50


def next_seat_ids(existing: set[str], count: int, prefix: str = "seat") -> list[str]:
    """The first ``count`` free ids ``seat-1``, ``seat-2``…, so a class's seats number in order."""
    ids: list[str] = []
    n = 1
    while len(ids) < count:
        candidate = f"{prefix}-{n}"
        if candidate not in existing:
            ids.append(candidate)
        n += 1
    return ids


@page
async def index(request: Request) -> Response:
    from simulator.console import lessons

    tenants = tenants_of(request)
    seats = [{"tenant": t, "erp": books.connected_erp(t)} for t in tenants.list()]
    return render(request, "index.html", seats=seats, fixtures=datasets.available(),
                  lessons=[found for found in lessons.catalogue() if found.for_learners], erps=books.erps_of(tenants))


@page
async def create_seats(request: Request) -> Response:
    form = await form_of(request)
    tenants = tenants_of(request)
    fixture = text(form, "fixture") or None
    try:
        count = int(text(form, "count") or "1")
    except ValueError:
        return redirect("/", error="How many seats must be a whole number.")
    if not 1 <= count <= MAX_CLASS:
        return redirect("/", error=f"Make between 1 and {MAX_CLASS} seats at a time.")
    seat_id = text(form, "id")
    name = text(form, "name")
    existing = {t.id for t in tenants.list()}
    ids = [seat_id] if seat_id and count == 1 else next_seat_ids(existing, count, seat_id or "seat")
    made = []
    try:
        for n, tenant_id in enumerate(ids, 1):
            seat_name = (f"{name} {n}" if count > 1 else name) if name else None
            made.append(tenants.create(tenant_id, seat_name, fixture=fixture).id)
    except TenantError as exc:
        done = f" (made {', '.join(made)} first)" if made else ""
        return redirect("/", error=f"{exc}{done}")
    if count == 1:
        return redirect(f"/seats/{made[0]}", ok=f"Seat {made[0]} is ready.")
    return redirect("/", ok=f"{count} seats are ready: {made[0]} to {made[-1]}.")


@page
async def seat(request: Request) -> Response:
    tenant = seat_of(request)
    tenants = tenants_of(request)
    records = tenants.store.records(tenant.id)
    counts = {erp.name: books.book_counts(erp.name, records) for erp in tenants.services}
    return render(request, "seat.html", seat=tenant, erp=books.connected_erp(tenant), erps=books.erps_of(tenants),
                  counts=counts)


@page
async def reset_seat(request: Request) -> Response:
    tenant = seat_of(request)
    tenants_of(request).reset(tenant.id)
    what = f"fixture {tenant.fixture!r}" if tenant.fixture else "empty books"
    return redirect(f"/seats/{tenant.id}", ok=f"Seat {tenant.id} is back to its {what}.")


@page
async def delete_seat(request: Request) -> Response:
    tenant = seat_of(request)
    tenants_of(request).delete(tenant.id)
    return redirect("/", ok=f"Seat {tenant.id} is deleted.")


@page
async def snapshot(request: Request) -> Response:
    tenant = seat_of(request)
    document = tenants_of(request).snapshot(tenant.id)
    return JSONResponse(document, headers={
        "Content-Disposition": f'attachment; filename="erpsim-{tenant.id}-snapshot.json"'})


@page
async def restore(request: Request) -> Response:
    tenant = seat_of(request)
    back = f"/seats/{tenant.id}"
    async with request.form(max_part_size=FORM_LIMIT) as form:
        upload = form.get("snapshot")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return redirect(back, error="Choose a snapshot file to restore.")
        raw = await upload.read()
        filename = upload.filename
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return redirect(back, error=f"{filename} is not a JSON snapshot: {exc}")
    try:
        tenants_of(request).restore(tenant.id, document)
    except TenantError as exc:
        return redirect(back, error=f"{filename}: {exc}")
    return redirect(back, ok=f"Seat {tenant.id} is restored from {filename}.")


@page
async def connect(request: Request) -> Response:
    """Switch which ERP the seat's Procore company is connected to (refused once items are synced)."""
    from simulator.procore import side

    tenant = seat_of(request)
    back = f"/seats/{tenant.id}"
    form = await form_of(request)
    erp = text(form, "erp")
    names = [svc.name for svc in books.erps_of(tenants_of(request))]
    if erp not in names:
        return redirect(back, error=f"Choose one of: {', '.join(books.short_name(n) for n in names)}.")
    current = books.connected_erp(tenant)
    if erp == current:
        return redirect(back, ok=f"The Procore company is already connected to {books.short_name(erp)}.")
    company = side.company(request.app, tenant.id)
    synced = company.erp.synced()
    if synced:
        return redirect(back, error=f"{company.name} is integrated with {books.short_name(current)} and has "
                                    f"{len(synced)} synced item(s); reset the seat to connect it to another ERP.")
    tenants_of(request).configure(tenant.id, {"procore": {"erp": erp}})
    return redirect(back, ok=f"The Procore company is now connected to {books.short_name(erp)}.")


routes = [
    Route("/", index, methods=["GET"]),
    Route("/seats", create_seats, methods=["POST"]),
    Route("/seats/{seat}", seat, methods=["GET"]),
    Route("/seats/{seat}/reset", reset_seat, methods=["POST"]),
    Route("/seats/{seat}/delete", delete_seat, methods=["POST"]),
    Route("/seats/{seat}/snapshot.json", snapshot, methods=["GET"]),
    Route("/seats/{seat}/restore", restore, methods=["POST"]),
    Route("/seats/{seat}/connect", connect, methods=["POST"]),
]
