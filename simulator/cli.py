"""The ``erpsim`` command."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from simulator import __version__


def default_db_path() -> Path:
    """A file under the user's data directory, per platform conventions."""
    if os.environ.get("ERPSIM_DB"):
        return Path(os.environ["ERPSIM_DB"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "erpsim" / "erpsim.db"


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from simulator.app import create_app
    from simulator.store import Store
    from simulator.tenants import DEMO_TENANT

    db = args.db or str(default_db_path())
    if db != ":memory:":
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    store = Store(db)
    app = create_app(store, demo=False)
    created = app.state.tenants.ensure_demo()
    if "procore" in {svc.name for svc in app.state.services}:
        from simulator.procore.side import prepare

        prepare(app, DEMO_TENANT)  # the demo company's cost codes come from its ERP before anyone signs in
    origin = f"http://{args.host}:{args.port}"
    demo = app.state.tenants.get(DEMO_TENANT)
    print(f"training console:  {origin}/")
    print(f"erpsim {__version__}  database: {db}" + ("  (demo company seeded)" if created else ""))
    print(f"admin API:  {origin}/_erpsim/health")
    for svc in app.state.services:
        print(f"\n{svc.title}")
        for line in svc.banner(origin, demo.config.get(svc.name, {})):
            print(f"  {line}")
    print()
    sys.stdout.flush()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level)
    return 0


def fixtures(args: argparse.Namespace) -> int:
    from simulator import datasets

    datasets.main(args.rest)
    return 0


def replay(args: argparse.Namespace) -> int:
    from sync_core.replay.cli import run

    return run(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="erpsim", description="Local fakes of construction ERPs.")
    parser.add_argument("--version", action="version", version=f"erpsim {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    p = commands.add_parser("serve", help="run the simulator with the demo company")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--db", help=f"SQLite file, or :memory: (default {default_db_path()})")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(func=serve)

    p = commands.add_parser("fixtures", help="build a company dataset (see: erpsim fixtures -- --help)")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(func=fixtures)

    from sync_core.replay.cli import add_arguments

    p = commands.add_parser("replay", help="run scenario files (lifecycles) against the simulator on each ERP")
    add_arguments(p)
    p.set_defaults(func=replay)

    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
