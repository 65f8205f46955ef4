"""Lessons: any scenario file played in a seat, one step at a time.

The console shows each step's ``say`` narration. Machine steps (creating things, expectations, imports)
run when the learner clicks Next, through the same runner a replay uses. At a human step (send, resend,
retrieve, accept, reject or the bookkeeper's payment, with a ``say`` telling the learner what to do) the
lesson waits: the learner does it in the console
themselves, then asks the lesson to check, which says what was right or wrong. Expectations after it
check both sides as the scenario wrote them.

A lesson's progress (where it is, the items it made, what each step said) is a ``console.lesson`` record
in the seat, so it survives a restart and a snapshot; starting a lesson resets the seat first.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from simulator.console import desk
from simulator.console.books import short_name
from simulator.console.pm import href
from simulator.console.web import SEAT_TABS, PageError, page, redirect, render, seat_of, tenants_of
from simulator.procore import side
from simulator.store import Tenant
from sync_core import objects as o
from sync_core.replay.env import Simulators
from sync_core.replay.format import Scenario, ScenarioInvalid, Step, load
from sync_core.replay.runner import FAILED, Runner
from sync_core.replay.values import choose, interpolate, norm
from sync_core.workflow import ErpStatus

LESSONS = Path(__file__).resolve().parents[2] / "scenarios" / "lessons"
SCENARIOS = LESSONS.parent
KIND = "console.lesson"
HUMAN = {("pm", "send to erp"), ("pm", "resend"), ("pm", "retrieve"), ("pm", "accept"), ("pm", "reject"),
         ("bookkeeper", "pay bill")}
PAYMENTS = {"intacct": "intacct.APPYMT", "sage100": "sage100.acppmt", "acumatica": "acumatica.Check"}


@dataclass(frozen=True)
class Lesson:
    name: str
    scenario: Scenario
    for_learners: bool

    @property
    def title(self) -> str:
        return self.scenario.title


def catalogue() -> list[Lesson]:
    """The lessons written for learners first, then every other scenario file (any of them plays)."""
    found: list[Lesson] = []
    for folder, for_learners in ((LESSONS, True), (SCENARIOS, False)):
        for path in sorted(folder.glob("*.yaml")):
            try:
                scenario = load(path)
            except (ScenarioInvalid, OSError):
                continue
            found.append(Lesson(path.stem, scenario, for_learners))
    return found


def lesson(name: str) -> Lesson:
    for found in catalogue():
        if found.name == name:
            return found
    raise PageError(f"There is no lesson {name!r}.")


def is_human(step: Step) -> bool:
    """A learner's step: a person's action (send, accept, reject, pay...) that the lesson narrates.

    Unnarrated ones are setup the machine does; one that must fail is shown, not asked of the learner.
    """
    return (step.kind, action_of(step)) in HUMAN and step.error is None and bool(step.say)


def action_of(step: Step) -> str:
    return step.action.replace("_", " ")


# -- progress, kept in the seat --------------------------------------------------------------------------------------


def progress(request: Request, seat: Tenant, name: str) -> dict[str, Any] | None:
    found = tenants_of(request).store.records(seat.id).get_by_key(KIND, name)
    return dict(found.data) if found is not None else None


def save(request: Request, seat: Tenant, name: str, state: dict[str, Any]) -> None:
    records = tenants_of(request).store.records(seat.id)
    found = records.get_by_key(KIND, name)
    if found is None:
        records.insert(KIND, state, key=name)
    else:
        records.update(KIND, found.id, state, key=name)


def _stored(value: Any) -> Any:
    """A variable as the record keeps it: an item by kind and id, numbers as text."""
    if isinstance(value, o.Entity):
        return {"$item": value.kind, "id": value.id}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return str(value)


def _loaded(company: Any, value: Any) -> Any:
    if isinstance(value, dict) and "$item" in value:
        return o.KINDS[value["$item"]].load(company, int(value["id"]))
    if isinstance(value, list):
        return [_loaded(company, v) for v in value]
    return value


def _plain(value: Any) -> Any:
    """Step parameters as a learner reads them: items by their names, amounts as written."""
    if isinstance(value, o.Entity):
        return value.describe()
    if isinstance(value, dict):
        return {str(k).replace("_", " "): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def steps_for(found: Lesson, erp: str) -> list[Step]:
    return [s for s in found.scenario.steps if s.runs_on(erp)]


# -- running ---------------------------------------------------------------------------------------------------------


class Player:
    """One lesson on one seat's connected company, on a worker thread."""

    def __init__(self, app: Any, seat: Tenant, found: Lesson, state: dict[str, Any], company: Any, reader: Any):
        self.seat = seat
        self.found = found
        self.state = state
        self.ctx = desk.SeatContext(app, seat, company, reader=reader)
        self.ctx.scenario = found.scenario
        self.ctx.recorder = _Quiet()
        for name, value in (state.get("vars") or {}).items():
            self.ctx.vars[name] = _loaded(company, value)

    def remember(self) -> None:
        self.state["vars"] = {k: _stored(v) for k, v in self.ctx.vars.items() if k not in ("erp", "company", "tenant")}

    def start(self) -> None:
        """The scenario's starting states, on the freshly reset seat, and its variables for this ERP."""
        company = self.ctx.company
        approver = desk.role_user(company, "accounting_approver")
        for given in self.found.scenario.given:
            if norm(given) == "an_accounting_approver" and approver is not None:
                self.ctx.vars["approver"] = approver  # the seat's own approver, whom the learner acts as
                continue
            spec_args = desk.REGISTRY.find_given(given)
            if spec_args is None:
                raise PageError(f"The lesson starts from {given!r}, which this console does not know.")
            spec, args = spec_args
            if spec.tenant_level:
                continue  # the seat itself is the company
            spec.fn(self.ctx, **args)
        for name, value in choose(self.found.scenario.vars, self.ctx.erp).items():
            self.ctx.vars[name] = interpolate(value, self.ctx.lookup)

    def run_machine(self, step: Step) -> dict[str, Any]:
        runner = Runner(Simulators())
        result = runner._step(self.ctx, step)
        ok = result.status != FAILED
        said = result.problem or ("it failed as expected: " + result.expected_error if result.expected_error
                                  else "done")
        return {"index": step.index, "ok": ok, "message": said, "notes": list(result.notes),
                "differences": [list(d) for d in result.differences]}

    def check_human(self, step: Step) -> dict[str, Any]:
        """Did the learner do what the step says? Read the item (or the ERP's payments) and say."""
        resolved = step.resolved(self.ctx.erp)
        params = interpolate(resolved.params, self.ctx.lookup)
        if step.kind == "bookkeeper":
            records = tenants_of_app(self.ctx.app).store.records(self.seat.id)
            before = int(self.state.get("payments_before", 0))
            if records.count(PAYMENTS[self.ctx.erp]) > before:
                return {"index": step.index, "ok": True, "message": "the bill is paid in the ERP"}
            return {"index": step.index, "ok": False,
                    "message": f"no payment yet: pay bill {params.get('bill')} in the {short_name(self.ctx.erp)} "
                               "back office"}
        item = self.ctx.item(params["item"])
        status = item.erp_status
        want = {"send to erp": {ErpStatus.READY_TO_EXPORT}, "resend": {ErpStatus.READY_TO_EXPORT},
                "retrieve": {ErpStatus.NOT_IN_ERP}, "reject": {ErpStatus.REJECTED},
                "accept": {ErpStatus.SYNCED}}[action_of(step)]
        if action_of(step) in ("send to erp", "resend") and status is ErpStatus.SYNCED:
            want = {ErpStatus.SYNCED}  # sent and already accepted: further than asked, and fine
        if status not in want:
            return {"index": step.index, "ok": False,
                    "message": f"{item.describe()} is {status.label}; it should be "
                               f"{' or '.join(sorted(w.label for w in want))}"}
        wrong = []
        accepted = item.data.get("accepted_fields") or {}
        for name in ("erp_job_id", "erp_vendor_id", "erp_invoice_id"):
            if params.get(name) is not None and str(accepted.get(name, "")) != str(params[name]):
                wrong.append(f"{name.replace('_', ' ')} should be {params[name]}, you entered "
                             f"{accepted.get(name) or 'nothing'}")
        if wrong:
            return {"index": step.index, "ok": False, "message": f"{item.describe()} is synced, but " + "; ".join(wrong)}
        said = f"{item.describe()} is {status.label}"
        if action_of(step) == "reject" and item.rejection_reason:
            said += f" with your reason: {item.rejection_reason}"
        return {"index": step.index, "ok": True, "message": said}


def tenants_of_app(app: Any) -> Any:
    return app.state.tenants


class _Quiet:
    """The runner notes each step's ERP exchanges; in a seat the request journal keeps them instead."""

    log: list[Any] = []

    def mark(self) -> int:
        return 0

    def since(self, mark: int) -> list[Any]:
        return []


async def play(request: Request, seat: Tenant, found: Lesson, state: dict[str, Any], work: Any) -> Any:
    """Run ``work(player)`` on a worker thread, the seat's company connected and an ERP reader open."""
    app = request.app
    loop = asyncio.get_running_loop()

    def run() -> Any:
        with side.connected(app, seat.id, loop=loop) as company:
            reader, client = desk.reader_for(app, seat, loop)
            try:
                player = Player(app, seat, found, state, company, reader)
                outcome = work(player)
                player.remember()
                return outcome
            finally:
                client.close()

    return await run_in_threadpool(run)


# -- pages -----------------------------------------------------------------------------------------------------------


def _view(request: Request, seat: Tenant, found: Lesson, state: dict[str, Any] | None) -> dict[str, Any]:
    erp = desk.connected_erp(seat)
    steps = steps_for(found, erp)
    position = int(state["position"]) if state else -1
    results = {int(r["index"]): r for r in (state or {}).get("results", [])}
    rows = []
    company = desk.company_of(request, seat)
    variables = {k: _loaded(company, v) for k, v in ((state or {}).get("vars") or {}).items()}
    ctx = desk.SeatContext(request.app, seat, company, variables=variables)
    for n, step in enumerate(steps):
        resolved = step.resolved(erp)
        try:
            shown_params = _plain({k: variables.get(norm(v), v) if isinstance(v, str) else v
                                   for k, v in interpolate(resolved.params, ctx.lookup).items()})
        except Exception:  # noqa: BLE001 - a later variable is not made yet: show the step as written
            shown_params = resolved.params
        target = None
        if is_human(step) and isinstance(resolved.params.get("item"), str):
            name = norm(resolved.params["item"].strip("${}").split(".")[0])
            item = variables.get(name)
            if isinstance(item, o.Entity):
                target = (item.describe(), href(seat, item))
        say = resolved.say
        if say:
            try:
                say = str(interpolate(say, ctx.lookup))
            except Exception:  # noqa: BLE001 - a variable not made yet: the narration as written
                pass
        rows.append({"n": n, "step": step, "say": say, "label": step.label, "human": is_human(step),
                     "result": results.get(step.index), "current": n == position, "target": target,
                     "params": shown_params})
    return {"steps": rows, "position": position, "done": state is not None and position >= len(steps),
            "erp": erp}


async def lesson_page(request: Request) -> Response:
    seat = seat_of(request)
    found = lesson(request.path_params["lesson"])
    state = progress(request, seat, found.name)
    view = _view(request, seat, found, state)
    refused = found.scenario.refused.get(view["erp"])
    return render(request, "lesson.html", seat=seat, lesson=found, state=state, refused=refused,
                  supported=view["erp"] in found.scenario.erps, **view)


async def start(request: Request) -> Response:
    """Reset the seat and begin: the starting states run, then the first step waits."""
    seat = seat_of(request)
    found = lesson(request.path_params["lesson"])
    back = f"/seats/{seat.id}/lessons/{found.name}"
    erp = desk.connected_erp(seat)
    if erp not in found.scenario.erps:
        return redirect(back, error=f"This lesson is written for {', '.join(found.scenario.erps)}, not {erp}.")
    tenants_of(request).reset(seat.id)
    state: dict[str, Any] = {"position": 0, "results": [], "vars": {}}
    try:
        await play(request, seat, found, state, lambda p: p.start())
    except Exception as exc:  # noqa: BLE001 - a starting state that cannot be set up is the lesson's message
        return redirect(back, error=f"The lesson could not start: {desk.describe_failure(exc)}")
    state["payments_before"] = tenants_of(request).store.records(seat.id).count(PAYMENTS[erp])
    save(request, seat, found.name, state)
    return redirect(back, ok="The seat is reset and the lesson has begun.")


async def advance(request: Request) -> Response:
    """Next (a machine step runs) or Check (a human step is checked); a wrong answer keeps the lesson there."""
    seat = seat_of(request)
    found = lesson(request.path_params["lesson"])
    back = f"/seats/{seat.id}/lessons/{found.name}"
    state = progress(request, seat, found.name)
    if state is None:
        return redirect(back, error="Start the lesson first.")
    steps = steps_for(found, desk.connected_erp(seat))
    position = int(state["position"])
    if position >= len(steps):
        return redirect(back, ok="The lesson is complete.")
    step = steps[position]
    human = is_human(step)
    try:
        outcome = await play(request, seat, found, state,
                             lambda p: p.check_human(step) if human else p.run_machine(step))
    except Exception as exc:  # noqa: BLE001 - whatever the step met, the learner reads it
        outcome = {"index": step.index, "ok": False, "message": desk.describe_failure(exc)}
    outcome["human"] = human
    state["results"] = [r for r in state.get("results", []) if r["index"] != step.index] + [outcome]
    if outcome["ok"]:
        state["position"] = position + 1
        if step.kind == "bookkeeper":
            state["payments_before"] = tenants_of(request).store.records(seat.id).count(
                PAYMENTS[desk.connected_erp(seat)])
    save(request, seat, found.name, state)
    where = f"{back}#step-{position + (1 if outcome['ok'] else 0)}"
    if outcome["ok"]:
        return redirect(where, ok=("Right: " if human else "") + outcome["message"])
    return redirect(where, error=("Not yet: " if human else "This step did not hold: ") + outcome["message"])


def _tabs(request: Request, seat: Tenant) -> list[tuple[str, str, bool]]:
    return [(f"/seats/{seat.id}/lessons", "Lessons", False)]


async def lessons_page(request: Request) -> Response:
    seat = seat_of(request)
    return render(request, "lessons.html", seat=seat, lessons=catalogue(), erp=desk.connected_erp(seat))


async def choose_seat(request: Request) -> Response:
    """From the list at ``/``: open a lesson in the seat the trainer picked."""
    found = lesson(request.path_params["lesson"])
    seat = request.query_params.get("seat", "")
    if not seat or tenants_of(request).store.get_tenant(seat) is None:
        return redirect("/", error="Choose a seat to play the lesson in.")
    return redirect(f"/seats/{seat}/lessons/{found.name}")


SEAT_TABS.append(_tabs)

routes = [
    Route("/lessons/{lesson}/play", page(choose_seat), methods=["GET"]),
    Route("/seats/{seat}/lessons", page(lessons_page), methods=["GET"]),
    Route("/seats/{seat}/lessons/{lesson}", page(lesson_page), methods=["GET"]),
    Route("/seats/{seat}/lessons/{lesson}/start", page(start), methods=["POST"]),
    Route("/seats/{seat}/lessons/{lesson}/next", page(advance), methods=["POST"]),
]
