"""One HTTP-only connector per ERP, and ``sign_in`` to build one from a simulator tenant's ERP settings."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from sync_core.connectors.base import Connector

ERPS = ("intacct", "sage100", "acumatica")


def sign_in(erp: str, client: httpx.Client, config: dict[str, Any], sleep: Callable[[float], Any]) -> Connector:
    """The connector for ``erp``, signed in with the tenant's own login names (its ``config[erp]``)."""
    if erp == "intacct":
        from sync_core.connectors.intacct import IntacctConnector

        sender, sender_password = next(iter(config["senders"].items()))
        user, password = next(iter(config["users"].items()))
        intacct = IntacctConnector(client, sender_id=sender, sender_password=sender_password,
                                   company_id=config["company_id"], user_id=user, user_password=password)
        intacct.sleep = sleep
        return intacct
    if erp == "sage100":
        from sync_core.connectors.sage100 import Sage100Connector

        user = next(u for u in config["users"] if "API" in u.get("groups", []))
        sage100 = Sage100Connector(client, company=config["company"], username=user["name"],
                                   password=user["password"])
        sage100.sleep = sleep
        return sage100
    if erp == "acumatica":
        from sync_core.connectors.acumatica import AcumaticaConnector

        name, password = next(iter(config["users"].items()))
        accounts = {str(info["account_group"]): number for number, info in (config.get("accounts") or {}).items()
                    if isinstance(info, dict) and info.get("account_group")}
        return AcumaticaConnector(client, tenant=config["tenant_name"], name=name, password=password,
                                  accounts=accounts, sleep=sleep)
    raise ValueError(f"no connector for {erp!r}; choose one of {', '.join(ERPS)}")
