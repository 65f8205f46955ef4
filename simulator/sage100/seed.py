"""Lay an ERP-neutral dataset into Sage 100 Contractor records.

Everything goes through the same rules as the API, so seeded books are
books the API itself could have made. Seeding twice adds only what is missing.

Mapping:
- projects -> jobs ``actrec`` (numeric project ids are the job numbers; active -> 4-Current);
- cost codes -> ``cstcde``: a sectioned ``NN-MMM`` code becomes ``NN.MMM`` (``03-100`` -> ``3.100``,
  division 3). The section becomes the three decimals, so the code round-trips and never begins with zero;
- cost types -> the nine ``csttyp`` rows (Material 1, Labor 2, Equipment 3, Subcontract 4, Other 5,
  anything else 6-9);
- vendors -> ``actpay`` (``V100`` -> vendor 100), with 30-day due terms;
- project cost codes x cost types -> ``bdglin`` budget lines: 80% of the contract spread evenly over
  them, entered as both current and original budget;
- the company's security groups and users (from its config) -> the ``API`` group and the ``api`` user.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from decimal import ROUND_DOWN, Decimal
from typing import Any

from simulator.datasets import Dataset
from simulator.sage100.auth import GROUPS, USERS
from simulator.sage100.books import Books
from simulator.sage100.config import Settings
from simulator.sage100.models import Company
from simulator.sage100.tables import BUDGET_COLUMNS, COST_TYPE, TABLES
from simulator.store import Records

STANDARD_TYPES = {"material": 1, "labor": 2, "equipment": 3, "subcontract": 4, "other": 5}
SECTIONED = re.compile(r"^(\d{1,9})[-./](\d{1,3})$")
JOB_STATUS = {"bid": 1, "refused": 2, "contract": 3, "active": 4, "current": 4, "complete": 5, "closed": 6,
              "inactive": 6}
BUDGET_SHARE = Decimal("0.80")


def cost_code(code: str) -> Decimal:
    """``03-100`` -> ``3.100``: the division before the point, the section as three decimals."""
    match = SECTIONED.match(code.strip())
    if match:
        value = Decimal(f"{int(match.group(1))}.{match.group(2).ljust(3, '0')}")
    else:
        try:
            value = Decimal(code.strip())
        except ArithmeticError:
            raise ValueError(f"cost code {code!r} is neither sectioned (NN-MMM) nor numeric") from None
    if value < 1 or value != value.quantize(Decimal("0.001")):
        raise ValueError(f"cost code {code!r} cannot be a Sage cost code ({value}): it would begin with zero "
                         "or have more than 3 decimals")
    return value.quantize(Decimal("0.001"))


def _digits(text: Any) -> int | None:
    found = re.sub(r"\D", "", str(text or ""))
    return int(found) if found else None


def cost_type_numbers(dataset: Dataset) -> dict[str, int]:
    numbers: dict[str, int] = {}
    spare = iter(range(6, 10))
    for ct in dataset.cost_types:
        standard = STANDARD_TYPES.get(str(ct["id"]).casefold())
        if standard is None:
            standard = next(spare, None)
            if standard is None:
                raise ValueError("Sage 100 Contractor has room for only four user-defined cost types (6-9)")
        numbers[str(ct["id"])] = standard
    return numbers


def _cut(value: Any, length: int) -> str | None:
    return None if value in (None, "") else str(value)[:length]


def seed(records: Records, dataset: Dataset, config: dict[str, Any]) -> None:
    settings = Settings.load(config)
    company = Company(records, settings, datetime.now(timezone.utc), "seed")
    books: Books = company.books

    for group in config.get("security_groups", []):
        if records.get_by_key(GROUPS, group) is None:
            records.insert(GROUPS, {"name": group}, key=group)
    for user in config.get("users", []):
        if records.get_by_key(USERS, user["name"].casefold()) is None:
            records.insert(USERS, {"name": user["name"], "password": user["password"],
                                   "groups": list(user.get("groups", []))}, key=user["name"].casefold())

    types = cost_type_numbers(dataset)
    user_defined = {number: str(name) for name, number in types.items() if number > 5}
    for number in range(1, 10):
        if books.by_key("csttyp", str(number)) is None:
            # 1-5 keep Sage's fixed names; 6-9 take the dataset's extra cost types, if any.
            typnme = user_defined.get(number, COST_TYPE[number])[:30]
            books.create(TABLES["csttyp"], {"recnum": number, "typnme": typnme}, key=str(number), parent=None)

    def add(table: str, body: dict[str, Any], exists: bool) -> None:
        if not exists:
            company.insert(table, {k: v for k, v in body.items() if v is not None})

    for code in dataset.cost_codes:
        number = cost_code(code["code"])
        add("cstcde", {"recnum": number, "cdenme": str(code["name"])[:50], "divnum": _digits(code["division"]) or 0},
            books.by_key("cstcde", f"{number:.3f}") is not None)

    for i, vendor in enumerate(dataset.vendors, start=1):
        number = _digits(vendor["id"]) or i
        retainage = Decimal(str(vendor.get("retainage_percent") or "0"))
        add("actpay", {
            "recnum": number, "vndnme": _cut(vendor["name"], 75), "shtnme": _cut(vendor["name"], 30),
            "contct": _cut(vendor.get("contact"), 50), "addrs1": _cut(vendor.get("address"), 50),
            "ctynme": _cut(vendor.get("city"), 50), "state_": _cut(vendor.get("state"), 10),
            "zipcde": _cut(vendor.get("zip"), 10), "phnnum": _cut(vendor.get("phone"), 14),
            "e_mail": _cut(vendor.get("email"), 75), "fedidn": _cut(vendor.get("tax_id"), 20),
            "inactv": not vendor.get("active", True), "duedte": "30DY",
            "typdft": 4 if retainage > 0 else 1,
        }, books.by_key("actpay", str(number)) is not None)

    for project in dataset.projects:
        number = _digits(project["id"])
        if number is None or str(number) != str(project["id"]).strip().lstrip("0"):
            raise ValueError(f"project id {project['id']!r} is not numeric; Sage 100 job numbers are numbers")
        add("actrec", {
            "recnum": number, "jobnme": _cut(project["name"], 75), "shtnme": _cut(project["name"], 30),
            "status": JOB_STATUS.get(str(project.get("status", "active")).casefold(), 4),
            "clnnum": _digits(project.get("customer_id")), "addrs1": _cut(project.get("address"), 50),
            "ctynme": _cut(project.get("city"), 50), "state_": _cut(project.get("state"), 10),
            "zipcde": _cut(project.get("zip"), 10), "cntrct": Decimal(str(project.get("contract_amount") or "0")),
            "strdte": project.get("start_date"), "cmpdte": project.get("end_date"), "dptmnt": 1,
        }, books.by_key("actrec", str(number)) is not None)

    for project in dataset.projects:
        job = int(project["id"])
        tasks = [t for t in dataset.project_tasks if str(t["project_id"]) == str(project["id"])]
        cells = [(cost_code(t["cost_code"]), types[ct]) for t in tasks for ct in t.get("cost_types", [])
                 if ct in types]
        if not cells:
            continue
        pool = (Decimal(str(project.get("contract_amount") or "0")) * BUDGET_SHARE).quantize(Decimal("0.01"))
        each = (pool / len(cells)).quantize(Decimal("0.01"), ROUND_DOWN)
        amounts = [each] * len(cells)
        amounts[-1] += pool - each * len(cells)
        lines: dict[Decimal, dict[str, Any]] = {}
        for (code, ctype), amount in zip(cells, amounts, strict=True):
            current, original = BUDGET_COLUMNS[ctype]
            line = lines.setdefault(code, {"recnum": job, "phsnum": 0, "cstcde": code})
            line[current] = line.get(current, Decimal("0")) + amount
            line[original] = line[current]
        for code, body in lines.items():
            add("bdglin", body, books.by_key("bdglin", f"{job}:0:{code:.3f}") is not None)
