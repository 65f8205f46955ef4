"""``erpsim replay``: run scenario files from the command line.

    erpsim replay                                  # every scenarios/*.yaml, on every ERP it names, in-process
    erpsim replay scenarios/headline.yaml --erp sage100 -v
    erpsim replay --against http://127.0.0.1:8080 --report replay.xml

Exit status: 0 when everything passed, 1 when a scenario failed, 2 when a file is invalid or the
run could not start.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TextIO

from sync_core.replay.env import SimulatorError, Simulators
from sync_core.replay.format import ScenarioInvalid, discover, load
from sync_core.replay.report import Console, write_report
from sync_core.replay.runner import RunResult, Runner
from sync_core.replay.values import ERPS, norm


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATHS",
                        help="scenario files or directories (default: ./scenarios)")
    parser.add_argument("--erp", action="append", metavar="ERP",
                        help=f"run only on this ERP ({'|'.join(ERPS)}); repeat or comma-separate for several")
    parser.add_argument("--against", metavar="URL",
                        help="a running simulator (erpsim serve) instead of one in this process")
    parser.add_argument("--report", metavar="FILE", help="write a report: JUnit XML (.xml) or JSON (.json)")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every step as it runs")
    parser.add_argument("-q", "--quiet", action="store_true", help="show only failures and the summary")


def run(args: argparse.Namespace, out: TextIO | None = None) -> int:
    try:
        return _run(args, out)
    except BrokenPipeError:
        # The reader went away (| head); stop quietly instead of a traceback on exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _run(args: argparse.Namespace, out: TextIO | None) -> int:
    console = Console(out, verbose=args.verbose, quiet=args.quiet)
    erps = _erps(args.erp, console)
    if erps is None:
        return 2
    if args.report and Path(args.report).suffix.lower() not in (".xml", ".json"):
        console.write(f"erpsim replay: --report {args.report}: name it .xml (JUnit) or .json")
        return 2
    paths = args.paths or ["scenarios"]
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        console.write(f"erpsim replay: no such file or directory: {', '.join(missing)}")
        return 2
    files = discover(paths)
    if not files:
        console.write(f"erpsim replay: no scenario files (*.yaml) under {', '.join(paths)}")
        return 2
    scenarios, invalid = [], []
    for file in files:
        try:
            scenarios.append(load(file))
        except ScenarioInvalid as exc:
            invalid.append(exc)
            console.invalid(exc)
    start = time.perf_counter()
    results: list[RunResult] = []
    try:
        pool = Simulators(args.against)
    except SimulatorError as exc:
        console.write(f"erpsim replay: {exc}")
        return 2
    with pool:
        runner = Runner(pool, progress=console.progress)
        for scenario in scenarios:
            for erp in scenario.erps:
                if erp in erps:
                    results.append(runner.run(scenario, erp))
    seconds = time.perf_counter() - start
    console.summary(results, invalid, seconds, pool.where)
    if not results and not invalid:
        console.write("erpsim replay: nothing ran (no scenario runs on the ERPs chosen)")
    if args.report:
        write_report(args.report, results, invalid, seconds, pool.where)
        console.write(f"report: {args.report}")
    if invalid:
        return 2
    return 0 if all(r.ok for r in results) else 1


def _erps(raw: list[str] | None, console: Console) -> tuple[str, ...] | None:
    if not raw:
        return ERPS
    chosen = [norm(part) for item in raw for part in item.split(",") if part.strip()]
    bad = [e for e in chosen if e not in ERPS]
    if bad:
        console.write(f"erpsim replay: unknown ERP {', '.join(bad)}; choose from {', '.join(ERPS)}")
        return None
    return tuple(e for e in ERPS if e in chosen)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="erpsim replay", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
