"""Helpers to speak the Intacct XML gateway from tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from lxml import etree
from starlette.testclient import TestClient

URL = "/ia/xml/xmlgw.phtml"
SENDER = ("erpsim", "erpsim")
LOGIN = ("admin", "DEMO", "admin")


def envelope(*functions: str, session: str | None = None, login: tuple[str, str, str] = LOGIN,
             sender: tuple[str, str] = SENDER, transaction: bool | None = None, uniqueid: bool = False,
             controlids: list[str] | None = None, whitespace: bool = False, dtdversion: str = "3.0") -> bytes:
    if session is not None:
        auth = f"<sessionid>{session}</sessionid>"
    else:
        auth = (f"<login><userid>{login[0]}</userid><companyid>{login[1]}</companyid>"
                f"<password>{login[2]}</password></login>")
    ids = controlids or [str(uuid.uuid4()) for _ in functions]
    body = "".join(f'<function controlid="{cid}">{fn}</function>' for cid, fn in zip(ids, functions))
    tx = "" if transaction is None else f' transaction="{str(transaction).lower()}"'
    return (
        '<?xml version="1.0" encoding="UTF-8"?><request><control>'
        f"<senderid>{sender[0]}</senderid><password>{sender[1]}</password><controlid>test</controlid>"
        f"<uniqueid>{str(uniqueid).lower()}</uniqueid><dtdversion>{dtdversion}</dtdversion>"
        f"<includewhitespace>{str(whitespace).lower()}</includewhitespace></control>"
        f"<operation{tx}><authentication>{auth}</authentication><content>{body}</content></operation></request>"
    ).encode()


@dataclass
class Reply:
    status_code: int
    root: etree._Element

    @property
    def results(self) -> list[etree._Element]:
        return self.root.findall("operation/result")

    @property
    def result(self) -> etree._Element:
        results = self.results
        assert len(results) == 1, etree.tostring(self.root).decode()
        return results[0]

    def ok(self) -> etree._Element:
        result = self.result
        assert result.findtext("status") == "success", etree.tostring(result, pretty_print=True).decode()
        return result

    def errors(self, where: etree._Element | None = None) -> list[tuple[str, str]]:
        base = self.result if where is None else where
        return [(e.findtext("errorno") or "", e.findtext("description2") or e.findtext("description") or "")
                for e in base.iter("error")]

    def first_error(self) -> tuple[str, str]:
        found = self.errors()
        assert found, etree.tostring(self.root, pretty_print=True).decode()
        return found[0]


Post = Callable[..., Reply]


@pytest.fixture
def post(client: TestClient) -> Post:
    """Send functions through the gateway with the demo credentials; returns the parsed reply."""

    def send(*functions: str, raw: bytes | None = None, **kw: object) -> Reply:
        body = raw if raw is not None else envelope(*functions, **kw)  # type: ignore[arg-type]
        response = client.post(URL, content=body, headers={"content-type": "application/xml"})
        return Reply(response.status_code, etree.fromstring(response.content))

    return send


@pytest.fixture
def session(post: Post) -> str:
    reply = post("<getAPISession/>")
    return reply.ok().findtext("data/api/sessionid") or ""


@pytest.fixture
def call(post: Post, session: str) -> Iterator[Post]:
    """Like ``post`` but on an API session."""

    def send(*functions: str, **kw: object) -> Reply:
        kw.setdefault("session", session)
        return post(*functions, **kw)

    yield send
