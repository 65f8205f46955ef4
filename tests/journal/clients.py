"""One small client per ERP room over real HTTP, so each fault is tried the same way on each.

Each client signs in, writes a vendor (a write the books keep), reads one back
and counts what the books hold, all through the room's own wire.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

import uuid
from typing import Any

import httpx
from lxml import etree

SENDER = ("erpsim", "erpsim")
ACU_BASE = "/acumatica/entity/Default/24.200.001"


class ErpClient(ABC):
    erp: str

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=10)

    def close(self) -> None:
        self.http.close()

    @abstractmethod
    def login(self) -> httpx.Response:
        ...

    @abstractmethod
    def write(self, key: str) -> httpx.Response:
        ...

    @abstractmethod
    def read(self, key: str) -> httpx.Response:
        ...

    @abstractmethod
    def exists(self, key: str) -> bool:
        ...

    # What the journal names the write as.
    write_operation: tuple[str, str]


class Intacct(ErpClient):
    erp = "intacct"
    write_operation = ("create", "VENDOR")

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.session = ""

    def envelope(self, function: str, *, login: bool = False, controlid: str | None = None) -> bytes:
        auth = ("<login><userid>admin</userid><companyid>DEMO</companyid><password>admin</password></login>" if login
                else f"<sessionid>{self.session}</sessionid>")
        return (f"<?xml version='1.0' encoding='UTF-8'?><request><control><senderid>{SENDER[0]}</senderid>"
                f"<password>{SENDER[1]}</password><controlid>t</controlid><uniqueid>false</uniqueid>"
                f"<dtdversion>3.0</dtdversion><includewhitespace>false</includewhitespace></control><operation>"
                f"<authentication>{auth}</authentication><content><function controlid='{controlid or uuid.uuid4()}'>"
                f"{function}</function></content></operation></request>").encode()

    def post(self, body: bytes) -> httpx.Response:
        return self.http.post("/ia/xml/xmlgw.phtml", content=body, headers={"Content-Type": "application/xml"})

    def login(self) -> httpx.Response:
        r = self.post(self.envelope("<getAPISession/>", login=True))
        self.session = etree.fromstring(r.content).findtext("operation/result/data/api/sessionid") or ""
        assert self.session, r.text
        return r

    def write(self, key: str) -> httpx.Response:
        return self.post(self.envelope(f"<create><VENDOR><VENDORID>{key}</VENDORID><NAME>Vendor {key}</NAME>"
                                       f"<DISPLAYCONTACT><PRINTAS>Vendor {key}</PRINTAS></DISPLAYCONTACT>"
                                       "</VENDOR></create>"))

    def read(self, key: str) -> httpx.Response:
        return self.post(self.envelope(f"<readByName><object>VENDOR</object><keys>{key}</keys><fields>*</fields>"
                                       "</readByName>"))

    def exists(self, key: str) -> bool:
        root = etree.fromstring(self.read(key).content)
        return root.find("operation/result/data/VENDOR") is not None

    @staticmethod
    def status_of(response: httpx.Response) -> str:
        return etree.fromstring(response.content).findtext("operation/result/status") or ""


class Sage100(ErpClient):
    erp = "sage100"
    write_operation = ("insert", "actpay")

    def login(self) -> httpx.Response:
        r = self.http.post("/sage100/session", json={"company": "Demo Construction", "username": "api",
                                                     "password": "api"})
        assert r.status_code == 201, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"
        return r

    def write(self, key: str) -> httpx.Response:
        return self.http.post("/sage100/records/actpay", json={"recnum": int(key), "vndnme": f"Vendor {key}"})

    def read(self, key: str) -> httpx.Response:
        return self.http.get(f"/sage100/records/actpay/{key}")

    def exists(self, key: str) -> bool:
        return self.read(key).status_code == 200


class Acumatica(ErpClient):
    erp = "acumatica"
    write_operation = ("PUT", "Vendor")

    def login(self) -> httpx.Response:
        r = self.http.post("/acumatica/entity/auth/login", json={"name": "admin", "password": "admin",
                                                                "tenant": "Demo"})
        assert r.status_code == 204, r.text
        return r

    def write(self, key: str) -> httpx.Response:
        return self.http.put(f"{ACU_BASE}/Vendor", json={"VendorID": {"value": key},
                                                         "VendorName": {"value": f"Vendor {key}"}})

    def read(self, key: str) -> httpx.Response:
        return self.http.get(f"{ACU_BASE}/Vendor/{key}")

    def exists(self, key: str) -> bool:
        return self.read(key).status_code == 200


CLIENTS: dict[str, type[ErpClient]] = {"intacct": Intacct, "sage100": Sage100, "acumatica": Acumatica}


def keys(erp: str, n: int, start: int = 0) -> list[str]:
    """Vendor keys each room accepts: Sage 100 numbers its vendors."""
    if erp == "sage100":
        return [str(70000 + start + i) for i in range(n)]
    return [f"JV{start + i:04d}" for i in range(n)]


def admin(url: str) -> httpx.Client:
    return httpx.Client(base_url=f"{url}/_erpsim/tenants/demo", timeout=10)


def journal(url: str, **filters: Any) -> list[dict[str, Any]]:
    with admin(url) as client:
        r = client.get("/journal", params=filters)
        assert r.status_code == 200, r.text
        entries: list[dict[str, Any]] = r.json()["entries"]
        return entries
