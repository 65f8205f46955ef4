"""Reading the ERP back over its own API, for ERP-side expectations.

Each ERP gets a small reader that speaks only its wire protocol (the Intacct XML
gateway, the Sage 100 record API, Acumatica's contract-based REST) with its own
login, independent of the connector, and answers the same neutral views: a job,
a sub job, a vendor, a commitment, a change order, a budget line, a bill, the job
cost of a cost code and cost type, a prime contract, and any raw record in the
ERP's own field names. Figures come from the ERP's own records and roll-ups, so
an agreement with the Procore side is a real check, not the import read twice.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod

import json
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import httpx
from lxml import etree

from sync_core.replay.values import norm

ZERO = Decimal("0.00")


class ReaderError(Exception):
    """The ERP could not answer a read (or refused it); the message is the ERP's."""


def _dec(value: Any) -> Decimal:
    if value in (None, ""):
        return ZERO
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _item(item: Any, what: str) -> Any:
    """The origin id and data of a synced Procore item."""
    origin = getattr(item, "origin_id", None)
    if not origin:
        raise ReaderError(f"{what} is not in the ERP yet (it has no ERP id on the Procore side)")
    return origin, dict(getattr(item, "origin_data", {}) or {})


class ErpReader(metaclass=ABCMeta):
    """The neutral views; each ERP implements them over its own API."""

    erp: str = ""
    VIEWS: dict[str, tuple[str, ...]] = {
        "job": (), "sub_job": ("code",), "vendor": (), "commitment": (), "change_order": (),
        "budget_line": ("cost_code", "cost_type", "sub_job"), "bill": (),
        "job_cost": ("cost_code", "cost_type", "sub_job"), "prime_contract": (), "record": ("key", "filter"),
    }
    REQUIRED: dict[str, tuple[str, ...]] = {"sub_job": ("code",), "budget_line": ("cost_code", "cost_type"),
                                            "job_cost": ("cost_code", "cost_type")}

    def view(self, name: str, subject: Any, params: dict[str, Any]) -> dict[str, Any]:
        method: Callable[..., dict[str, Any]] = getattr(self, name)
        return method(subject, **params)

    def close(self) -> None:
        pass

    # each ERP overrides these
    @abstractmethod
    def job(self, job_id: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def sub_job(self, job_id: Any, code: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def vendor(self, vendor_id: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def commitment(self, item: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def change_order(self, item: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def budget_line(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        ...

    @abstractmethod
    def bill(self, item: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def job_cost(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        ...

    @abstractmethod
    def prime_contract(self, item: Any) -> dict[str, Any]:
        ...

    @abstractmethod
    def record(self, object: Any, key: Any = None, filter: Any = None) -> dict[str, Any]:
        """A record of ``object`` (the ERP's own name: APBILL, acpinv, Bill) by key, or a count by filter."""


def _absent() -> dict[str, Any]:
    return {"exists": False}


# -- Sage Intacct ---------------------------------------------------------------------------------


class IntacctReader(ErpReader):
    erp = "intacct"
    PATH = "/ia/xml/xmlgw.phtml"

    def __init__(self, client: httpx.Client, config: dict[str, Any]) -> None:
        self.client = client
        sender, password = next(iter((config.get("senders") or {"erpsim": "erpsim"}).items()))
        user, user_password = next(iter((config.get("users") or {"admin": "admin"}).items()))
        self.auth = (sender, password, str(config.get("company_id") or ""), user, user_password)

    def call(self, function: str) -> etree._Element:
        sender, password, company, user, user_password = self.auth
        body = (f'<?xml version="1.0" encoding="UTF-8"?><request><control><senderid>{sender}</senderid><password>'
                f'{password}</password><controlid>{uuid.uuid4()}</controlid><uniqueid>false</uniqueid><dtdversion>3.0'
                f'</dtdversion></control><operation><authentication><login><userid>{user}</userid><companyid>'
                f'{company}</companyid><password>{user_password}</password></login></authentication><content>'
                f'<function controlid="read">{function}</function></content></operation></request>')
        response = self.client.post(self.PATH, content=body.encode(), headers={"content-type": "application/xml"})
        try:
            root = etree.fromstring(response.content)
        except etree.XMLSyntaxError as exc:
            raise ReaderError(f"Sage Intacct answered HTTP {response.status_code} with no XML") from exc
        result = root.find("operation/result")
        failure = result if result is not None else root
        if result is None or result.findtext("status") != "success":
            errors = [" ".join(x for x in (e.findtext("errorno"), e.findtext("description2")) if x)
                      for e in failure.iter("error")]
            raise ReaderError("Sage Intacct: " + ("; ".join(errors) or f"HTTP {response.status_code}"))
        return result

    def _rows(self, function: str) -> list[dict[str, Any]]:
        data = self.call(function).find("data")
        return [] if data is None else [_flat(row) for row in data]

    def read_by_name(self, obj: str, key: str) -> dict[str, Any] | None:
        rows = self._rows(f"<readByName><object>{obj}</object><keys>{_x(key)}</keys><fields>*</fields></readByName>")
        return rows[0] if rows else None

    def read(self, obj: str, recordno: str) -> dict[str, Any] | None:
        rows = self._rows(f"<read><object>{obj}</object><keys>{_x(recordno)}</keys><fields>*</fields></read>")
        return rows[0] if rows else None

    def query(self, obj: str, fields: list[str], **equal: Any) -> list[dict[str, Any]]:
        select = "".join(f"<field>{f}</field>" for f in fields)
        conds = "".join(f"<equalto><field>{k.replace('__', '.')}</field><value>{_x(v)}</value></equalto>"
                        for k, v in equal.items())
        flt = "" if not equal else f"<filter>{conds}</filter>" if len(equal) == 1 else f"<filter><and>{conds}</and></filter>"
        return self._rows(f"<query><object>{obj}</object><select>{select}</select>{flt}<pagesize>2000</pagesize>"
                          f"</query>")

    def job(self, job_id: Any) -> dict[str, Any]:
        row = self.read_by_name("PROJECT", str(job_id))
        if row is None:
            return _absent()
        tasks = self.query("TASK", ["TASKID"], PROJECTID=str(job_id))
        return {"exists": True, "name": row.get("NAME"), "status": row.get("PROJECTSTATUS") or row.get("STATUS"),
                "cost_codes": sorted(t["TASKID"] for t in tasks), "parent": row.get("PARENTID") or None}

    def sub_job(self, job_id: Any, code: Any) -> dict[str, Any]:
        found = self.job(f"{job_id}-{code}")
        if found["exists"] and found.get("parent") != str(job_id):
            return _absent()
        return found

    def vendor(self, vendor_id: Any) -> dict[str, Any]:
        row = self.read_by_name("VENDOR", str(vendor_id))
        return _absent() if row is None else {"exists": True, "name": row.get("NAME"), "status": row.get("STATUS")}

    def _document(self, item: Any, what: str) -> dict[str, Any] | None:
        origin, _ = _item(item, what)
        return self.read_by_name("PODOCUMENT", origin)

    def commitment(self, item: Any) -> dict[str, Any]:
        doc = self._document(item, "the commitment")
        if doc is None:
            return _absent()
        lines = doc.get("PODOCUMENTENTRIES") or []
        return {"exists": True, "number": doc.get("PONUMBER"), "vendor": doc.get("VENDORID"),
                "original": _dec(doc.get("TOTAL")), "changes": _dec(doc.get("CHANGEORDERTOTAL")),
                "revised": _dec(doc.get("REVISEDTOTAL") or doc.get("TOTAL")), "lines": len(lines),
                "status": doc.get("STATE")}

    def change_order(self, item: Any) -> dict[str, Any]:
        doc = self._document(item, "the change order")
        if doc is None:
            return _absent()
        return {"exists": True, "number": doc.get("PONUMBER"), "amount": _dec(doc.get("TOTAL")),
                "lines": len(doc.get("PODOCUMENTENTRIES") or []), "status": doc.get("STATE")}

    def _project(self, job_id: Any, sub_job: Any) -> str:
        return str(job_id) if sub_job in (None, "") else f"{job_id}-{sub_job}"

    def budget_line(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        rows = self.query("PJESTIMATEENTRY", ["AMOUNT", "WFTYPE", "PJESTIMATEID"],
                          PROJECTID=self._project(job_id, sub_job), TASKID=str(cost_code), COSTTYPEID=str(cost_type))
        if not rows:
            return _absent()
        by_type: dict[str, Decimal] = {}
        for row in rows:
            kind = norm(row.get("WFTYPE") or "")
            by_type[kind] = by_type.get(kind, ZERO) + _dec(row.get("AMOUNT"))
        original = by_type.get("original", ZERO)
        changes = by_type.get("revision", ZERO) + by_type.get("approved_change", ZERO)
        return {"exists": True, "original": original, "changes": changes, "revised": original + changes}

    def bill(self, item: Any) -> dict[str, Any]:
        origin, _ = _item(item, "the invoice")
        row = self.read("APBILL", origin)
        if row is None:
            return _absent()
        retained, released = _dec(row.get("TOTALRETAINED")), _dec(row.get("TOTALRELEASED"))
        return {"exists": True, "number": row.get("RECORDID"), "vendor": row.get("VENDORID"),
                "total": _dec(row.get("TOTALENTERED")), "retainage_held": retained - released,
                "retainage_released": released, "paid": _dec(row.get("TOTALPAID")), "due": _dec(row.get("TOTALDUE")),
                "status": row.get("STATE")}

    def job_cost(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        project = self._project(job_id, sub_job)
        total = ZERO
        for row in self.query("APBILLITEM", ["TRX_AMOUNT", "APBILL.STATE"], PROJECTID=project,
                              TASKID=str(cost_code), COSTTYPEID=str(cost_type)):
            if row.get("APBILL.STATE") != "Draft":
                total += _dec(row.get("TRX_AMOUNT"))
        for row in self.query("GLENTRY", ["AMOUNT", "TR_TYPE", "GLBATCH.STATE"], PROJECTID=project,
                              TASKID=str(cost_code), COSTTYPEID=str(cost_type)):
            if row.get("GLBATCH.STATE") in ("Posted", ""):
                total += _dec(row.get("AMOUNT")) * (-1 if row.get("TR_TYPE") == "-1" else 1)
        return {"exists": True, "jtd_cost": total}

    def prime_contract(self, item: Any) -> dict[str, Any]:
        origin, _ = _item(item, "the prime contract")
        row = self.read_by_name("PROJECTCONTRACT", origin)
        if row is None:
            return _absent()
        return {"exists": True, "name": row.get("NAME"), "amount": _dec(row.get("TOTALPRICE")),
                "customer": row.get("CUSTOMERID"), "retainage_percent": row.get("RETAINAGEPERCENTAGE")}

    def record(self, object: Any, key: Any = None, filter: Any = None) -> dict[str, Any]:
        obj = str(object).upper()
        if filter:
            if not isinstance(filter, dict):
                raise ReaderError("filter maps field names to the values they must equal")
            rows = self.query(obj, ["RECORDNO"], **{str(k): v for k, v in filter.items()})
            return {"exists": bool(rows), "count": len(rows)}
        ident = str(key)
        row = self.read(obj, ident) if ident.isdigit() else self.read_by_name(obj, ident)
        return _absent() if row is None else {"exists": True, **row}


def _x(value: Any) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _flat(el: etree._Element) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for child in el:
        if len(child) and all(len(g) for g in child):
            out[child.tag] = [_flat(g) for g in child]
        elif len(child):
            out.update({f"{child.tag}.{k}": v for k, v in _flat(child).items()})
        else:
            out[child.tag] = child.text or ""
    return out


# -- Sage 100 Contractor ------------------------------------------------------------------------------


class Sage100Reader(ErpReader):
    erp = "sage100"
    COLUMNS = {1: "matbdg", 2: "labbdg", 3: "eqpbdg", 4: "subbdg", 5: "othbdg", 6: "usrcs6", 7: "usrcs7",
               8: "usrcs8", 9: "usrcs9"}
    ORIGINAL = {1: "matorg", 2: "laborg", 3: "eqporg", 4: "suborg", 5: "othorg", 6: "cs6org", 7: "cs7org",
                8: "cs8org", 9: "cs9org"}

    def __init__(self, client: httpx.Client, config: dict[str, Any]) -> None:
        self.client = client
        user = next((u for u in config.get("users", []) if "API" in u.get("groups", [])), {})
        self.credentials = {"company": config.get("company"), "username": user.get("name"),
                            "password": user.get("password")}
        self.token: str | None = None

    def _call(self, method: str, path: str, params: dict[str, Any] | None = None) -> Any:
        for attempt in (1, 2):
            if self.token is None:
                response = self.client.post("/sage100/session", json=self.credentials)
                if response.status_code != 201:
                    raise ReaderError(f"Sage 100 Contractor refused the sign-in: {_sage_message(response)}")
                self.token = response.json()["token"]
            response = self.client.request(method, f"/sage100{path}", params=params,
                                           headers={"authorization": f"Bearer {self.token}"})
            if response.status_code == 401 and attempt == 1:
                self.token = None  # the session timed out (the clock moved): sign in again, once
                continue
            break
        if response.status_code == 404:
            return None
        if response.status_code >= 400:
            raise ReaderError(f"Sage 100 Contractor: {_sage_message(response)}")
        return response.json()

    def get(self, table: str, key: Any) -> dict[str, Any] | None:
        found = self._call("GET", f"/records/{table}/{quote(str(key), safe='')}")
        return None if found is None else dict(found["record"])

    def list(self, table: str, **filters: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        params = {k: str(v) for k, v in filters.items()}
        params["limit"] = "1000"
        while True:
            page = self._call("GET", f"/records/{table}", params)
            rows.extend(page["records"])
            if page.get("next_after") is None:
                return rows
            params["after"] = str(page["next_after"])

    def close(self) -> None:
        if self.token is not None:
            try:
                self.client.delete("/sage100/session", headers={"authorization": f"Bearer {self.token}"})
            except httpx.TransportError:
                pass
            self.token = None

    @staticmethod
    def _code(value: Any) -> Decimal:
        text = str(value).strip()
        if "-" in text:
            head, _, tail = text.partition("-")
            text = f"{int(head)}.{tail.ljust(3, '0')}"
        return Decimal(text).quantize(Decimal("0.001"))

    def job(self, job_id: Any) -> dict[str, Any]:
        row = self.get("actrec", job_id)
        if row is None:
            return _absent()
        codes = sorted({f"{Decimal(str(r['cstcde'])):.3f}" for r in self.list("bdglin", recnum=job_id)})
        return {"exists": True, "name": row.get("jobnme"), "status": row.get("status"), "cost_codes": codes,
                "department": row.get("dptmnt")}

    def sub_job(self, job_id: Any, code: Any) -> dict[str, Any]:
        rows = [r for r in self.list("jobphs", recnum=job_id) if str(r.get("phsnum")) == str(code)]
        return _absent() if not rows else {"exists": True, "name": rows[0].get("phsnme")}

    def vendor(self, vendor_id: Any) -> dict[str, Any]:
        row = self.get("actpay", vendor_id)
        return _absent() if row is None else {"exists": True, "name": row.get("vndnme"),
                                              "inactive": row.get("inactv")}

    def commitment(self, item: Any) -> dict[str, Any]:
        origin, data = _item(item, "the commitment")
        table = data.get("table", "subcon")
        row = self.get(table, origin)
        if row is None:
            return _absent()
        if table == "subcon":
            return {"exists": True, "number": row.get("ctcnum"), "vendor": row.get("vndnum"),
                    "original": _dec(row.get("cntttl")), "changes": _dec(row.get("chgttl")),
                    "revised": _dec(row.get("ctcttl")), "lines": len(row.get("sbcnln") or []),
                    "status": row.get("status")}
        lines = row.get("pcorln") or []
        return {"exists": True, "number": row.get("ordnum"), "vendor": row.get("vndnum"),
                "original": _dec(row.get("subttl")), "revised": _dec(row.get("pchttl")), "lines": len(lines),
                "status": row.get("status")}

    def change_order(self, item: Any) -> dict[str, Any]:
        origin, data = _item(item, "the change order")
        if data.get("table") == "pcorln":
            po, span = str(origin).split(":")
            first, last = (int(x) for x in span.split("-"))
            order = self.get("pchord", po) or {}
            rows = [r for r in order.get("pcorln") or [] if first <= r["linnum"] <= last]
            if not rows:
                return _absent()
            return {"exists": True, "amount": sum((_dec(r.get("extttl")) for r in rows), ZERO), "lines": len(rows)}
        row = self.get("prmchg", origin)
        if row is None:
            return _absent()
        lines = row.get("sbcgln") or []
        return {"exists": True, "number": row.get("chgnum"), "status": row.get("status"),
                "amount": sum((_dec(r.get("bdgprc")) for r in lines), ZERO), "lines": len(lines)}

    def budget_line(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        code, phase, ctype = self._code(cost_code), int(sub_job or 0), int(str(cost_type))
        rows = [r for r in self.list("bdglin", recnum=job_id)
                if Decimal(str(r["cstcde"])).quantize(Decimal("0.001")) == code and int(r.get("phsnum") or 0) == phase]
        if not rows:
            return _absent()
        row = rows[0]
        original, current = _dec(row.get(self.ORIGINAL[ctype])), _dec(row.get(self.COLUMNS[ctype]))
        return {"exists": True, "original": original, "changes": current - original, "revised": current}

    def bill(self, item: Any) -> dict[str, Any]:
        origin, _ = _item(item, "the invoice")
        row = self.get("acpinv", origin)
        if row is None:
            return _absent()
        total, retain, paid = _dec(row.get("invttl")), _dec(row.get("retain")), _dec(row.get("amtpad"))
        return {"exists": True, "number": row.get("invnum"), "vendor": row.get("vndnum"), "total": total,
                "retainage_held": retain, "paid": paid, "due": total - retain - paid, "balance": _dec(row.get("invbal")),
                "status": row.get("status"), "posted": row.get("posted")}

    def job_cost(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        code, phase, ctype = self._code(cost_code), int(sub_job or 0), int(str(cost_type))
        total = ZERO
        for row in self.list("jobcst", jobnum=job_id):
            if row.get("status") == 2 or int(row.get("csttyp") or 0) != ctype or int(row.get("phsnum") or 0) != phase:
                continue
            if Decimal(str(row["cstcde"])).quantize(Decimal("0.001")) == code:
                total += _dec(row.get("cstamt"))
        return {"exists": True, "jtd_cost": total}

    def prime_contract(self, item: Any) -> dict[str, Any]:
        raise ReaderError("Sage 100 Contractor has no prime contracts to read (the integration does not sync them)")

    def record(self, object: Any, key: Any = None, filter: Any = None) -> dict[str, Any]:
        table = str(object).lower()
        if filter:
            if not isinstance(filter, dict):
                raise ReaderError("filter maps column names to the values they must equal")
            rows = self.list(table, **filter)
            return {"exists": bool(rows), "count": len(rows)}
        row = self.get(table, key)
        return _absent() if row is None else {"exists": True, **{k: v for k, v in row.items()
                                                                 if not isinstance(v, list)}}


def _sage_message(response: httpx.Response) -> str:
    try:
        error = response.json().get("error", {})
    except ValueError:
        return f"HTTP {response.status_code}"
    return str(error.get("message") or f"HTTP {response.status_code}")


# -- Acumatica -----------------------------------------------------------------------------------------


class AcumaticaReader(ErpReader):
    erp = "acumatica"
    RETAINAGE = "CurrentDocument.CuryRetainageTotal,CurrentDocument.CuryRetainageUnreleasedAmt"

    def __init__(self, client: httpx.Client, config: dict[str, Any], *, default_task: str = "0000",
                 version: str = "24.200.001") -> None:
        self.client = client
        user, password = next(iter((config.get("users") or {"admin": "admin"}).items()))
        self.credentials = {"name": user, "password": password, "tenant": config.get("tenant_name")}
        self.base = f"/acumatica/entity/Default/{version}"
        self.default_task = default_task
        self.signed_in = False

    def _get(self, path: str, **params: str) -> Any:
        for attempt in (1, 2):
            if not self.signed_in:
                response = self.client.post("/acumatica/entity/auth/login", json=self.credentials)
                if response.status_code != 204:
                    raise ReaderError(f"Acumatica refused the sign-in: {_acu_message(response)}")
                self.signed_in = True
            response = self.client.get(f"{self.base}/{path}", params=params or None)
            if response.status_code == 401 and attempt == 1:
                self.signed_in = False  # the session expired (the clock moved): sign in again, once
                continue
            break
        if response.status_code == 500 and "NoEntitySatisfiesTheCondition" in response.text:
            return None
        if response.status_code >= 400:
            raise ReaderError(f"Acumatica: {_acu_message(response)}")
        return response.json()

    def close(self) -> None:
        if self.signed_in:
            try:
                self.client.post("/acumatica/entity/auth/logout", headers={"content-length": "0"})
            except httpx.TransportError:
                pass
            self.signed_in = False

    def one(self, entity: str, *keys: Any, **params: str) -> dict[str, Any] | None:
        path = "/".join(quote(str(k), safe="") for k in keys)
        found = self._get(f"{entity}/{path}", **params)
        return None if found is None else dict(found)

    def many(self, entity: str, flt: str | None = None, **params: str) -> list[dict[str, Any]]:
        if flt:
            params["$filter"] = flt
        return list(self._get(entity, **params) or [])

    def _budget(self, job_id: Any, kind: str = "Expense") -> list[dict[str, Any]]:
        return self.many("ProjectBudget", f"ProjectID eq '{_q(job_id)}' and Type eq '{kind}'")

    def job(self, job_id: Any) -> dict[str, Any]:
        row = self.one("Project", job_id)
        if row is None:
            return _absent()
        codes = sorted({_v(r, "CostCode") for r in self._budget(job_id) if _v(r, "ProjectTaskID") == self.default_task})
        return {"exists": True, "name": _v(row, "Description"), "status": _v(row, "Status"), "cost_codes": codes}

    def sub_job(self, job_id: Any, code: Any) -> dict[str, Any]:
        row = self.one("ProjectTask", job_id, code)
        return _absent() if row is None else {"exists": True, "name": _v(row, "Description"),
                                              "status": _v(row, "Status")}

    def vendor(self, vendor_id: Any) -> dict[str, Any]:
        row = self.one("Vendor", vendor_id)
        return _absent() if row is None else {"exists": True, "name": _v(row, "VendorName"),
                                              "status": _v(row, "Status")}

    def commitment(self, item: Any) -> dict[str, Any]:
        origin, data = _item(item, "the commitment")
        entity = data.get("entity", "Subcontract")
        keys = (origin,) if entity == "Subcontract" else ("Normal", origin)
        row = self.one(entity, *keys, **{"$expand": "Details"})
        if row is None:
            return _absent()
        lines = row.get("Details") or []
        original = sum((_dec(_v(r, "LineAmount") or _v(r, "ExtendedCost")) for r in lines), ZERO)
        total = _dec(_v(row, "SubcontractTotal") if entity == "Subcontract" else _v(row, "OrderTotal"))
        return {"exists": True, "number": origin, "vendor": _v(row, "VendorID"), "original": original,
                "revised": total, "changes": total - original, "lines": len(lines), "status": _v(row, "Status")}

    def change_order(self, item: Any) -> dict[str, Any]:
        origin, _ = _item(item, "the change order")
        row = self.one("ChangeOrder", origin)
        if row is None:
            return _absent()
        return {"exists": True, "amount": _dec(_v(row, "CommitmentsChangeTotal")),
                "cost_budget_change": _dec(_v(row, "CostBudgetChangeTotal")),
                "revenue_change": _dec(_v(row, "RevenueBudgetChangeTotal")), "status": _v(row, "Status")}

    def _budget_row(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any) -> dict[str, Any] | None:
        task = sub_job or self.default_task
        rows = self.many("ProjectBudget", f"ProjectID eq '{_q(job_id)}' and ProjectTaskID eq '{_q(task)}' and "
                                          f"CostCode eq '{_q(cost_code)}' and AccountGroup eq '{_q(cost_type)}'")
        return rows[0] if rows else None

    def budget_line(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        row = self._budget_row(job_id, cost_code, cost_type, sub_job)
        if row is None:
            return _absent()
        original, revised = _dec(_v(row, "OriginalBudgetedAmount")), _dec(_v(row, "RevisedBudgetedAmount"))
        return {"exists": True, "original": original, "changes": revised - original, "revised": revised,
                "committed": _dec(_v(row, "RevisedCommittedAmount"))}

    def bill(self, item: Any) -> dict[str, Any]:
        origin, _ = _item(item, "the invoice")
        row = self.one("Bill", "Bill", origin, **{"$expand": "Applications", "$custom": self.RETAINAGE})
        if row is None:
            return _absent()
        custom = (row.get("custom") or {}).get("CurrentDocument") or {}
        held = _dec((custom.get("CuryRetainageUnreleasedAmt") or {}).get("value"))
        paid = sum((_dec(_v(a, "AmountPaid")) for a in row.get("Applications") or []), ZERO)
        return {"exists": True, "number": _v(row, "VendorRef"), "vendor": _v(row, "Vendor"),
                "total": _dec(_v(row, "Amount")), "retainage_held": held, "paid": paid,
                "due": _dec(_v(row, "Balance")), "status": _v(row, "Status")}

    def job_cost(self, job_id: Any, cost_code: Any, cost_type: Any, sub_job: Any = None) -> dict[str, Any]:
        row = self._budget_row(job_id, cost_code, cost_type, sub_job)
        return {"exists": row is not None, "jtd_cost": ZERO if row is None else _dec(_v(row, "ActualAmount"))}

    def prime_contract(self, item: Any) -> dict[str, Any]:
        origin, data = _item(item, "the prime contract")
        job = data.get("ProjectID") or str(origin).split(":")[0]
        rows = self._budget(job, "Income")
        if not rows:
            return _absent()
        return {"exists": True, "amount": sum((_dec(_v(r, "OriginalBudgetedAmount")) for r in rows), ZERO),
                "revised": sum((_dec(_v(r, "RevisedBudgetedAmount")) for r in rows), ZERO)}

    def record(self, object: Any, key: Any = None, filter: Any = None) -> dict[str, Any]:
        if filter:
            rows = self.many(str(object), str(filter))
            return {"exists": bool(rows), "count": len(rows)}
        raw = key
        keys = raw if isinstance(raw, list) else str(raw).split("|")
        row = self.one(str(object), *keys)
        if row is None:
            return _absent()
        return {"exists": True, **{k: v.get("value") for k, v in row.items() if isinstance(v, dict) and "value" in v}}


def _v(record: dict[str, Any] | None, name: str) -> Any:
    value = (record or {}).get(name)
    return value.get("value") if isinstance(value, dict) else value


def _q(value: Any) -> str:
    return str(value).replace("'", "''")


def _acu_message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except (ValueError, json.JSONDecodeError):
        return f"HTTP {response.status_code}"
    if isinstance(body, dict):
        return str(body.get("exceptionMessage") or body.get("message") or body.get("error") or
                   f"HTTP {response.status_code}")
    return f"HTTP {response.status_code}"


READERS: dict[str, type[ErpReader]] = {"intacct": IntacctReader, "sage100": Sage100Reader,
                                       "acumatica": AcumaticaReader}
