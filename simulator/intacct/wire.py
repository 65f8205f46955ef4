"""The XML on the wire: a locked-down parser and the response envelope writer."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from lxml import etree

from simulator.intacct.errors import ErrorDetail, parse_error

_PARSER = etree.XMLParser(
    resolve_entities=False,
    load_dtd=False,
    no_network=True,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


def parse_request(body: bytes) -> etree._Element:
    """Parse a request body, refusing DTDs and entities outright."""
    if not body.strip():
        raise parse_error("Fatal Error 4: Document is empty. Line: 1, column: 1.")
    head = body[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in body.lower():
        raise parse_error("Fatal Error 94: DOCTYPE and ENTITY declarations are not allowed. Line: 1, column: 1.")
    try:
        root = etree.fromstring(body, _PARSER)
    except etree.XMLSyntaxError as exc:
        entry = exc.error_log.last_error if exc.error_log else None
        if entry is not None:
            message = entry.message.rstrip(".")
            raise parse_error(f"Fatal Error {entry.type}: {message}. Line: {entry.line}, column: {entry.column}.") from exc
        raise parse_error(f"Fatal Error 1: {exc}.") from exc
    if root.getroottree().docinfo.doctype:
        raise parse_error("Fatal Error 94: DOCTYPE declarations are not allowed. Line: 1, column: 1.")
    return root


def text(el: etree._Element | None) -> str:
    """Element text with surrounding white space dropped ('' for missing or empty)."""
    if el is None:
        return ""
    if len(el) == 0:  # the common leaf: no need to walk children
        return (el.text or "").strip()
    return "".join(el.itertext()).strip()


def child_text(el: etree._Element, tag: str) -> str | None:
    found = el.find(tag)
    return None if found is None else text(found)


def sub(parent: etree._Element, tag: str, value: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, tag, attrs) if attrs else etree.SubElement(parent, tag)
    if value is not None:
        el.text = value
    return el


def append_rows(parent: etree._Element, tag: str, names: list[str], rows: list[tuple[str, ...]]) -> None:
    """One ``<tag>`` per row with a child per name: the hot loop of every listing, kept tight."""
    element, child = etree.SubElement, etree.SubElement
    for values in rows:
        row = element(parent, tag)
        for name, value in zip(names, values):
            child(row, name).text = value


def errormessage(parent: etree._Element, details: Iterable[ErrorDetail], *, bare: bool = False) -> etree._Element:
    """``<errormessage>`` with one ``<error>`` per detail; ``bare`` for gateway errors (description only)."""
    box = sub(parent, "errormessage")
    for d in details:
        err = sub(box, "error")
        sub(err, "errorno", d.errorno)
        sub(err, "description", d.description)
        if not bare:
            sub(err, "description2", d.description2)
            sub(err, "correction", d.correction)
    return box


@dataclass
class Control:
    senderid: str = ""
    password: str = ""
    controlid: str = ""
    uniqueid: bool = False
    uniqueid_raw: str = "false"
    dtdversion: str = "3.0"
    includewhitespace: bool = True
    policyid: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def control_block(parent: etree._Element, control: Control, status: str) -> None:
    box = sub(parent, "control")
    sub(box, "status", status)
    sub(box, "senderid", control.senderid)
    sub(box, "controlid", control.controlid)
    sub(box, "uniqueid", control.uniqueid_raw)
    sub(box, "dtdversion", control.dtdversion)


def serialize(root: etree._Element, pretty: bool) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=pretty)
