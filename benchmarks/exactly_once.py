"""Exactly once under faults, for all twenty seeds: the headline lifecycle on each ERP through a served simulator.

Run: ``.venv/bin/python -m benchmarks.exactly_once`` (about 20 seconds). For each ERP a clean run gives
the books to compare with; then each seed replays the headline with 30 % of the sync's ERP calls
faulted (a seeded mix: drop after commit with a reset or a 502, resets before the ERP ran, answers cut
in half, the ERP's throttling and busy errors, expired sessions). A run passes when its own
expectations hold (both sides agree to the cent) and the ERP's books hold exactly the clean run's
records (0 duplicate, 0 missing). Prints one line per ERP and exits 1 if any run fails.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from sync_core.replay import load
from sync_core.replay.chaos import run
from sync_core.replay.env import Simulator
from sync_core.replay.report import failure_text

HEADLINE = Path(__file__).resolve().parents[1] / "scenarios" / "headline.yaml"
ERPS = ("intacct", "sage100", "acumatica")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--rate", type=float, default=0.3, help="share of the sync's ERP calls faulted")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)
    scenario = load(HEADLINE)
    simulator = Simulator.threaded()
    figures: list[dict[str, Any]] = []
    failed = False
    try:
        print(f"\nheadline, {args.seeds} seeds, {args.rate:.0%} of connector calls faulted")
        print(f"{'ERP':<10} {'runs ok':>8} {'dup':>4} {'miss':>5} {'requests':>9} {'faulted':>8} {'share':>6} "
              f"{'s/run':>6}")
        for erp in ERPS:
            clean = run(simulator, scenario, erp, None, args.rate)
            if not clean.result.ok:
                print(failure_text(clean.result))
                return 1
            ok = duplicates = missing = requests = faulted = 0
            started = time.perf_counter()
            for seed in range(1, args.seeds + 1):
                outcome = run(simulator, scenario, erp, seed, args.rate)
                diffs = outcome.differences(clean.books)
                duplicates += sum(1 for d in diffs if d.endswith("(duplicate)"))
                missing += sum(1 for d in diffs if d.endswith("(missing)"))
                requests += outcome.journal.get("requests", 0)
                faulted += outcome.journal.get("faulted", 0)
                if outcome.result.ok and not diffs:
                    ok += 1
                else:
                    failed = True
                    print(f"{erp} seed {seed}: {'; '.join(diffs)}\n{failure_text(outcome.result)}")
            seconds = (time.perf_counter() - started) / args.seeds
            share = faulted / requests if requests else 0.0
            figures.append({"erp": erp, "seeds": args.seeds, "runs_ok": ok, "duplicate_kinds": duplicates,
                            "missing_kinds": missing, "requests": requests, "faulted": faulted,
                            "faulted_share": round(share, 3), "seconds_per_run": round(seconds, 2),
                            "clean_requests": clean.journal.get("requests", 0)})
            print(f"{erp:<10} {ok:>5}/{args.seeds:<2} {duplicates:>4} {missing:>5} {requests:>9} {faulted:>8} "
                  f"{share:>6.1%} {seconds:>6.2f}")
    finally:
        simulator.close()
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
