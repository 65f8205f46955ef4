"""Sync core: what the ERP Integrations workflow costs on top of the HTTP it has to make.

Run: ``.venv/bin/python -m benchmarks.sync_core_bench`` (under a minute). The Intacct room runs under
uvicorn in its own process. Baseline: the two round trips an export of a vendor needs (a ``readByName``
lookup, then ``create VENDOR``) posted directly. Measured: the same vendor created in Procore, sent to ERP
and accepted, which adds the preconditions, the export ledger, the audit trail and the state moves.
Target: within 1.5x the baseline.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import uuid
from typing import Any

import httpx

from benchmarks.harness import per_call, report, row, serve
from simulator.store import Store
from sync_core import Procore
from sync_core.connectors.intacct import IntacctConnector

PATH = "/ia/xml/xmlgw.phtml"


def intacct_app() -> Any:
    from simulator.app import create_app
    from simulator.intacct import service

    return create_app(services=[service])


def envelope(session: str, function: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><request><control><senderid>erpsim</senderid><password>erpsim'
            f'</password><controlid>b</controlid><uniqueid>false</uniqueid><dtdversion>3.0</dtdversion></control>'
            f'<operation><authentication><sessionid>{session}</sessionid></authentication><content>'
            f'<function controlid="{uuid.uuid4()}">{function}</function></content></operation></request>').encode()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args(argv)
    with serve(intacct_app) as url, httpx.Client(base_url=url) as client:
        connector = IntacctConnector(client, sender_id="erpsim", sender_password="erpsim", company_id="DEMO",
                                     user_id="admin", user_password="admin")
        session = connector._login()
        numbers = itertools.count()

        def raw_export() -> None:
            vid = f"R{next(numbers):06d}"
            client.post(PATH, content=envelope(session, f"<readByName><object>VENDOR</object><keys>{vid}</keys>"
                                                        f"<fields>*</fields></readByName>"))
            client.post(PATH, content=envelope(session, f"<create><VENDOR><VENDORID>{vid}</VENDORID><NAME>Raw "
                                                        f"{vid}</NAME><DISPLAYCONTACT><PRINTAS>Raw {vid}</PRINTAS>"
                                                        f"</DISPLAYCONTACT></VENDOR></create>"))

        store = Store(":memory:")
        pm = Procore(store)
        company = pm.create_company("Bench Builders", company_id="bench")
        company.connect(connector)
        approver = company.users.create(name="Ann", erp_integrations="admin", can_push_to_accounting=True)

        def workflow_export() -> None:
            vid = f"W{next(numbers):06d}"
            vendor = company.directory.create(name=f"Workflow {vid}")
            vendor.send_to_erp()
            outcome = approver.accept(vendor, erp_vendor_id=vid)
            if not outcome.ok:
                raise RuntimeError(str(outcome))

        baseline = per_call(raw_export, args.calls)
        measured = per_call(workflow_export, args.calls)
        rows = [row("send + accept a vendor vs its 2 raw round trips", measured, baseline, 1.5)]
    return 0 if report("sync core overhead (Intacct, over HTTP)", rows) else 1


if __name__ == "__main__":
    sys.exit(main())
