"""Shared benchmark machinery: servers in their own processes, timed round trips, ratios.

Each benchmark runs erpsim and a *floor* server (Starlette doing the same
parse and serialize with no logic) in the same run on the same machine, and
reports the ratio, because absolute times on shared machines are noise.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn

from simulator.testing import free_port

AppFactory = Callable[[], Any]


def _run(factory: AppFactory, port: int) -> None:
    uvicorn.run(factory(), host="127.0.0.1", port=port, log_level="error", lifespan="off")


@contextmanager
def serve(factory: AppFactory) -> Iterator[str]:
    """Run ``factory()`` under uvicorn in a child process; yields its base URL.

    ``factory`` must be importable (a module-level function) so the child can build the app itself.
    """
    port = free_port()
    ctx = multiprocessing.get_context("spawn")
    proc = ctx.Process(target=_run, args=(factory, port), daemon=True)
    proc.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            httpx.get(url + "/", timeout=0.5)
            break
        except httpx.TransportError:
            if not proc.is_alive() or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("benchmark server did not start") from None
            time.sleep(0.1)
    try:
        yield url
    finally:
        proc.terminate()
        proc.join(10)


def per_call(fn: Callable[[], object], calls: int, rounds: int = 5, warmup: int = 20) -> float:
    """Median seconds per call over ``rounds`` batches of ``calls``, after a warm-up."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return statistics.median(samples)


def compare(measured: Callable[[], object], baseline: Callable[[], object], calls: int, rounds: int = 7,
            warmup: int = 20) -> tuple[float, float]:
    """Median seconds per call of each side, timed in alternating batches so shared-machine load hits both."""
    for _ in range(warmup):
        measured()
        baseline()
    samples: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for side, fn in enumerate((measured, baseline)):
            start = time.perf_counter()
            for _ in range(calls):
                fn()
            samples[side].append((time.perf_counter() - start) / calls)
    return statistics.median(samples[0]), statistics.median(samples[1])


def row(name: str, measured: float, baseline: float, target: float) -> dict[str, Any]:
    ratio = measured / baseline
    return {"check": name, "ms": round(measured * 1000, 3), "baseline_ms": round(baseline * 1000, 3),
            "ratio": round(ratio, 2), "target": target, "ok": ratio <= target}


def report(title: str, rows: list[dict[str, Any]]) -> bool:
    print(f"\n{title}")
    print(f"{'check':<48} {'ms':>9} {'baseline':>9} {'ratio':>6} {'target':>7}")
    for r in rows:
        flag = "" if r["ok"] else "  <-- over target"
        print(f"{r['check']:<48} {r['ms']:>9.3f} {r['baseline_ms']:>9.3f} {r['ratio']:>6.2f} {r['target']:>7}{flag}")
    return all(r["ok"] for r in rows)


def finish(title: str, rows: list[dict[str, Any]], json_path: str | None) -> int:
    """Print the table, write the rows as JSON when asked; the exit status says whether every target held."""
    ok = report(title, rows)
    if json_path:
        import json

        with open(json_path, "w") as fh:
            json.dump(rows, fh, indent=1, default=str)
    return 0 if ok else 1
