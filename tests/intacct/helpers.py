"""Speak to the gateway the way a client does: build functions, read replies back as plain dicts.

The object tests assert only on what comes back over the wire: result status,
errorno, description2, and records read through read/readByName/query.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

import pytest
from lxml import etree
from starlette.applications import Starlette

from .conftest import Post, Reply

Record = dict[str, Any]


def xml(tag: str, value: Any) -> str:
    """A dict becomes nested elements, a list repeats the tag, anything else is text."""
    if isinstance(value, list):
        return "".join(xml(tag, item) for item in value)
    if isinstance(value, dict):
        inner = "".join(xml(k, v) for k, v in value.items())
    elif value is None:
        inner = ""
    else:
        inner = escape(str(value))
    return f"<{tag}>{inner}</{tag}>"


def as_dict(el: etree._Element) -> Record:
    """A record element as a dict; a collection of same-tag records becomes a list."""
    out: Record = {}
    for child in el:
        if not isinstance(child.tag, str):
            continue
        kids = [k for k in child if isinstance(k.tag, str)]
        if not kids:
            out[child.tag] = child.text or ""
        elif len({k.tag for k in kids}) == 1 and all(len(k) for k in kids) and kids[0].tag.islower():
            out[child.tag] = [as_dict(k) for k in kids]
        else:
            out[child.tag] = as_dict(child)
    return out


def create_fn(obj: str, *records: Record) -> str:
    return "<create>" + "".join(xml(obj, r) for r in records) + "</create>"


def update_fn(obj: str, *records: Record) -> str:
    return "<update>" + "".join(xml(obj, r) for r in records) + "</update>"


def delete_fn(obj: str, keys: str | int) -> str:
    return f"<delete><object>{obj}</object><keys>{keys}</keys></delete>"


def read_fn(obj: str, keys: str | int = "", fields: str = "*", docparid: str | None = None) -> str:
    extra = f"<docparid>{escape(docparid)}</docparid>" if docparid else ""
    return f"<read><object>{obj}</object><keys>{keys}</keys><fields>{fields}</fields>{extra}</read>"


class Api:
    """One demo company, spoken to through the gateway."""

    def __init__(self, post: Post, app: Starlette) -> None:
        self.post = post
        self.app = app

    def configure(self, **changes: Any) -> None:
        self.app.state.tenants.configure("demo", {"intacct": changes})

    # -- writes ----------------------------------------------------------------------

    def create(self, obj: str, fields: Record) -> Reply:
        return self.post(create_fn(obj, fields))

    def created(self, obj: str, fields: Record) -> str:
        """Create one record, insist it worked, return its RECORDNO."""
        result = self.create(obj, fields).ok()
        recordno = result.findtext(f"data/{obj.lower()}/RECORDNO")
        assert recordno, etree.tostring(result).decode()
        return recordno

    def update(self, obj: str, fields: Record) -> Reply:
        return self.post(update_fn(obj, fields))

    def updated(self, obj: str, fields: Record) -> str:
        result = self.update(obj, fields).ok()
        return result.findtext(f"data/{obj.lower()}/RECORDNO") or ""

    def delete(self, obj: str, keys: str | int) -> Reply:
        return self.post(delete_fn(obj, keys))

    def legacy(self, fn: str, body: str, key: str | None = None) -> Reply:
        attr = f' key="{escape(key)}"' if key is not None else ""
        return self.post(f"<{fn}{attr}>{body}</{fn}>")

    # -- reads -----------------------------------------------------------------------

    def read(self, obj: str, recordno: str | int, docparid: str | None = None) -> Record | None:
        data = self.post(read_fn(obj, recordno, docparid=docparid)).ok().find("data")
        assert data is not None
        rows = [as_dict(el) for el in data]
        assert len(rows) <= 1
        return rows[0] if rows else None

    def get(self, obj: str, recordno: str | int) -> Record:
        row = self.read(obj, recordno)
        assert row is not None, f"{obj} {recordno} not found"
        return row

    def by_name(self, obj: str, name: str) -> Record | None:
        data = self.post(f"<readByName><object>{obj}</object><keys>{escape(name)}</keys><fields>*</fields>"
                         "</readByName>").ok().find("data")
        assert data is not None
        rows = [as_dict(el) for el in data]
        return rows[0] if rows else None

    def named(self, obj: str, name: str) -> Record:
        row = self.by_name(obj, name)
        assert row is not None, f"{obj} {name} not found"
        return row

    def query(self, obj: str, fields: list[str], filter_xml: str = "", docparid: str | None = None) -> list[Record]:
        select = "".join(f"<field>{f}</field>" for f in fields)
        where = f"<filter>{filter_xml}</filter>" if filter_xml else ""
        extra = f"<docparid>{escape(docparid)}</docparid>" if docparid else ""
        data = self.post(f"<query><object>{obj}</object><select>{select}</select>{where}{extra}"
                         "<pagesize>2000</pagesize></query>").ok().find("data")
        assert data is not None
        return [as_dict(el) for el in data]

    def where(self, obj: str, fields: list[str], **equal: str) -> list[Record]:
        """query with an equalto filter per keyword (and-ed)."""
        tests = [f"<equalto><field>{k}</field><value>{escape(v)}</value></equalto>" for k, v in equal.items()]
        filt = tests[0] if len(tests) == 1 else "<and>" + "".join(tests) + "</and>" if tests else ""
        return self.query(obj, fields, filt)

    def read_by_query(self, obj: str, query: str = "", docparid: str | None = None, fields: str = "*",
                      pagesize: int = 1000) -> list[Record]:
        extra = f"<docparid>{escape(docparid)}</docparid>" if docparid else ""
        data = self.post(f"<readByQuery><object>{obj}</object><fields>{fields}</fields>"
                         f"<query>{escape(query)}</query><pagesize>{pagesize}</pagesize>{extra}"
                         "</readByQuery>").ok().find("data")
        assert data is not None
        return [as_dict(el) for el in data]


def failed(reply: Reply, generic: str | None = None) -> tuple[str, str]:
    """Assert a function failure; returns the first (errorno, description2).

    ``generic`` names the object whose "Could not <verb> <obj> record!" must follow the specific error.
    """
    result = reply.result
    assert result.findtext("status") == "failure", etree.tostring(result, pretty_print=True).decode()
    errors = reply.errors()
    assert errors, etree.tostring(result, pretty_print=True).decode()
    if generic is not None:
        assert ("BL01001973", generic) in errors[1:], errors
    return errors[0]


def lines(record: Record, collection: str) -> list[Record]:
    value = record.get(collection) or []
    assert isinstance(value, list), value
    return value


@pytest.fixture
def api(post: Post, app: Starlette) -> Api:
    return Api(post, app)
