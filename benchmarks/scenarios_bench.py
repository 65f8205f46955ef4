"""Scenarios: the headline replayed on all three ERPs, in-process, and what the replay harness adds.

Run: ``.venv/bin/python -m benchmarks.scenarios_bench`` (about 20 seconds).

Measured: ``scenarios/headline.yaml`` run by the replay runner on Intacct, Sage 100 Contractor and
Acumatica one after the other, each on a fresh tenant of its in-process simulator (the YAML is read
once, as a test session would). Target: under 1 s for all three.

Baseline, in the same run: the same lifecycle written as plain sync-core calls on the same
simulators (same tenants, exports, bookkeeper payment and imports), without the harness: no YAML
variables, no recorded wire, no read-back from the ERP. The ratio is what the harness and its
ERP-side expectations cost on top (the replay also reads the ERP back for its ten expectations, which the
baseline never does); target 2x.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.harness import compare, report, row
from sync_core.replay import ERPS, Runner, Simulators, load
from sync_core.replay.env import Binding

HEADLINE = Path(__file__).resolve().parents[1] / "scenarios" / "headline.yaml"
TODAY = dt.date(2026, 4, 1)
VALUES = {
    "intacct": {"vendor": "V500", "concrete": "03-300", "drywall": "09-200", "type": "Subcontract"},
    "sage100": {"vendor": "500", "concrete": "3.300", "drywall": "9.200", "type": "4"},
    "acumatica": {"vendor": "V500", "concrete": "03-300", "drywall": "09-200", "type": "SUBCONTRACT"},
}


def plain_headline(pool: Simulators, erp: str) -> None:
    """The headline lifecycle as direct sync-core calls (what the scenario does, minus the harness)."""
    v = VALUES[erp]
    binding = Binding.create(pool.get(erp), erp, today=TODAY)
    try:
        company = binding.company
        company.imports.cost_types()
        company.imports.cost_codes()
        ann = company.users.create(name="Ann", erp_integrations="admin", can_push_to_accounting=True)

        def accept(item: Any, **fields: Any) -> None:
            outcome = ann.accept(item.send_to_erp(), **fields)
            if not outcome.ok:
                raise RuntimeError(str(outcome))

        project = company.projects.create(name="Riverside Library", project_number="2001", city="Fargo",
                                          start_date="2026-04-01", completion_date="2027-06-30")
        project.cost_codes.add(v["concrete"], [v["type"]])
        project.cost_codes.add(v["drywall"], [v["type"]])
        accept(project, erp_job_id="2001")
        if erp == "sage100":
            binding.backoffice("update_record", {"object": "actrec", "key": "2001", "fields": {"dptmnt": 1}})
        budget = project.budget
        budget.add_line(v["concrete"], v["type"], 150000)
        budget.add_line(v["drywall"], v["type"], 40000)
        budget.lock()
        accept(budget)
        vendor = company.directory.create(name="Granite Subs Inc", address="1 Main St", city="Fargo", state="ND",
                                          zip="58102")
        accept(vendor, erp_vendor_id=v["vendor"])
        if erp == "sage100":
            binding.backoffice("update_record", {"object": "actpay", "key": v["vendor"], "fields": {"duedte": "30DY"}})
        sc = project.commitments.create_subcontract(title="Structural concrete", vendor=vendor, default_retainage=10)
        first = sc.add_line(v["concrete"], v["type"], 120000, description="Foundations")
        second = sc.add_line(v["drywall"], v["type"], 30000, description="Drywall")
        sc.update(status="Approved")
        accept(sc)
        cco = sc.change_orders.create(title="Thicker slab")
        cco.add_line(8000, line=first.refresh())
        cco.update(status="Approved")
        accept(cco)
        invoice = sc.invoices.create(invoice_number="G-1", billing_date="2026-03-31")
        invoice.add_line(first.refresh(), work_completed=50000)
        invoice.add_line(second.refresh(), work_completed=10000)
        invoice.update(status="approved")
        accept(invoice)
        binding.backoffice("pay_bill", {"bill": invoice.refresh().origin_id, "check_number": "10442",
                                        "date": "2026-04-10"})
        if erp != "sage100":
            company.imports.payments()
        company.imports.job_costs(project)
    finally:
        binding.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    scenario = load(HEADLINE)
    with Simulators() as pool:
        runner = Runner(pool)
        cold_start = time.perf_counter()
        for erp in ERPS:
            result = runner.run(scenario, erp)
            if not result.ok:
                raise SystemExit(f"the headline failed on {erp}: {result.problem or result.failed_step}")
        cold = time.perf_counter() - cold_start

        def replay() -> None:
            for erp in ERPS:
                if not runner.run(scenario, erp).ok:
                    raise RuntimeError(f"the headline failed on {erp}")

        def plain() -> None:
            for erp in ERPS:
                plain_headline(pool, erp)

        measured, baseline = compare(replay, plain, calls=1, rounds=args.rounds, warmup=1)
        per_erp = {}
        for erp in ERPS:
            samples = []
            for _ in range(3):
                start = time.perf_counter()
                runner.run(scenario, erp)
                samples.append(time.perf_counter() - start)
            per_erp[erp] = statistics.median(samples)
    print(f"first run on all three (app start, imports, cold caches): {cold:.3f} s")
    for erp, seconds in per_erp.items():
        print(f"  headline[{erp}]: {seconds * 1000:.0f} ms")
    ok = report("the headline scenario, in-process", [
        row("headline on 3 ERPs: replay vs plain sync-core calls", measured, baseline, 2.0)])
    total_ok = measured < 1.0
    print(f"{'headline on 3 ERPs, total (target < 1 s)':<48} {measured * 1000:>9.3f}"
          + ("" if total_ok else "  <-- over target"))
    return 0 if ok and total_ok else 1


if __name__ == "__main__":
    sys.exit(main())
