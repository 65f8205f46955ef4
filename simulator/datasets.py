"""ERP-neutral company datasets: the demo company and generated ones of any size.

A dataset is a TinyDB JSON document (``{table: {doc_id: doc}}``) so people can
read, diff and query it. Each ERP room maps it into its own vocabulary when it
seeds a tenant. Generation is seeded, so the same arguments give the same
company; the committed ``fixtures/demo.json`` pins the demo company exactly,
whatever version of faker is installed.
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faker import Faker
from tinydb import TinyDB
from tinydb.storages import MemoryStorage

FIXTURES_DIR = Path(__file__).resolve().parent.parent / "fixtures"

TABLES = ("company", "cost_types", "cost_codes", "vendors", "customers", "projects", "project_tasks")

COST_TYPES = [
    ("Labor", "Labor"),
    ("Material", "Material"),
    ("Subcontract", "Subcontract"),
    ("Equipment", "Equipment"),
    ("Other", "Other"),
]

# Divisions and cost codes in the sectioned NN-NNN style most construction firms use.
DIVISIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "01": ("General Requirements", [("100", "Project Management"), ("500", "Temporary Facilities"), ("700", "Cleaning")]),
    "02": ("Existing Conditions", [("400", "Demolition"), ("800", "Site Remediation")]),
    "03": ("Concrete", [("100", "Concrete Forming"), ("200", "Concrete Reinforcing"), ("300", "Cast-in-Place Concrete")]),
    "04": ("Masonry", [("200", "Unit Masonry"), ("400", "Stone Assemblies")]),
    "05": ("Metals", [("100", "Structural Steel"), ("500", "Metal Fabrications")]),
    "06": ("Wood, Plastics and Composites", [("100", "Rough Carpentry"), ("200", "Finish Carpentry")]),
    "07": ("Thermal and Moisture Protection", [("200", "Insulation"), ("500", "Roofing"), ("900", "Joint Sealants")]),
    "08": ("Openings", [("100", "Doors and Frames"), ("500", "Windows")]),
    "09": ("Finishes", [("200", "Gypsum Board"), ("300", "Tiling"), ("900", "Painting")]),
    "22": ("Plumbing", [("100", "Plumbing Piping"), ("400", "Plumbing Fixtures")]),
    "23": ("HVAC", [("300", "HVAC Ductwork"), ("700", "HVAC Equipment")]),
    "26": ("Electrical", [("100", "Electrical Distribution"), ("500", "Lighting")]),
    "31": ("Earthwork", [("200", "Excavation and Fill"), ("600", "Special Foundations")]),
    "32": ("Exterior Improvements", [("100", "Paving"), ("900", "Landscaping")]),
}

# Which cost types a cost code usually carries.
TYPES_BY_DIVISION = {
    "01": ["Labor", "Other"],
    "02": ["Subcontract", "Equipment"],
    "31": ["Subcontract", "Equipment"],
}
DEFAULT_TYPES = ["Labor", "Material", "Subcontract"]

BUILDINGS = ["Medical Office", "Elementary School", "Warehouse", "Fire Station", "Library", "Parking Garage",
             "Apartments", "Community Center", "Retail Center", "Clinic", "Hotel", "Laboratory"]


@dataclass(frozen=True)
class Dataset:
    """A read-only view of a dataset document, tables as lists in id order."""

    document: dict[str, dict[str, dict[str, Any]]]

    def table(self, name: str) -> list[dict[str, Any]]:
        rows = self.document.get(name, {})
        return [rows[k] for k in sorted(rows, key=int)]

    @property
    def company(self) -> dict[str, Any]:
        rows = self.table("company")
        return rows[0] if rows else {}

    @property
    def cost_types(self) -> list[dict[str, Any]]:
        return self.table("cost_types")

    @property
    def cost_codes(self) -> list[dict[str, Any]]:
        return self.table("cost_codes")

    @property
    def vendors(self) -> list[dict[str, Any]]:
        return self.table("vendors")

    @property
    def customers(self) -> list[dict[str, Any]]:
        return self.table("customers")

    @property
    def projects(self) -> list[dict[str, Any]]:
        return self.table("projects")

    @property
    def project_tasks(self) -> list[dict[str, Any]]:
        return self.table("project_tasks")

    def to_json(self) -> str:
        return json.dumps(self.document, indent=1, sort_keys=True)


POOLED_FROM = 2_000
"""Companies with more vendors and customers than this draw names and addresses from pools."""


def _pooled(rng: random.Random, make: Callable[[], str], size: int = 499) -> Callable[[], str]:
    """``make`` called ``size`` times up front, then values drawn from the pool by a seeded generator."""
    pool = [make() for _ in range(size)]
    pick = rng.randrange
    return lambda: pool[pick(size)]


def generate(
    *,
    seed: int = 2026,
    name: str = "Demo Construction",
    vendors: int = 24,
    customers: int = 5,
    projects: int = 3,
    codes_per_project: int = 10,
) -> Dataset:
    """Make a company of any size; the same arguments always give the same company."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    db = TinyDB(storage=MemoryStorage)

    db.table("company").insert({"name": name, "currency": "USD", "seed": seed})
    db.table("cost_types").insert_multiple({"id": cid, "name": cname} for cid, cname in COST_TYPES)

    codes: list[dict[str, Any]] = []
    for division, (division_name, items) in DIVISIONS.items():
        for suffix, code_name in items:
            codes.append({
                "code": f"{division}-{suffix}",
                "name": code_name,
                "division": division,
                "division_name": division_name,
                "cost_types": TYPES_BY_DIVISION.get(division, DEFAULT_TYPES),
            })
    db.table("cost_codes").insert_multiple(codes)

    division_keys = list(DIVISIONS)
    # Unique names read better; past a few hundred faker's pool runs thin, and past a few thousand rows
    # faker's per-call cost dominates, so large companies draw from pools made once (still seeded).
    large = vendors + customers > POOLED_FROM
    company_name = fake.unique.company if vendors + customers <= 500 else fake.company
    person = fake.name
    street, city, state, postcode = fake.street_address, fake.city, fake.state_abbr, fake.zipcode
    email = fake.company_email
    rng = random.Random(seed)
    if large:
        company_name, person, street, city, state, postcode, email = (
            _pooled(rng, fn) for fn in (fake.company, fake.name, fake.street_address, fake.city, fake.state_abbr,
                                        fake.zipcode, fake.company_email))
    draw = rng.randrange
    phone = (lambda: f"{draw(200, 1000)}-{draw(200, 1000)}-{draw(10000):04d}") if large else \
        (lambda: fake.numerify("###-###-####"))
    tax_id = (lambda: f"{draw(10, 100)}-{draw(10000000):07d}") if large else (lambda: fake.numerify("##-#######"))
    vendor_rows = []
    for i in range(vendors):
        division = division_keys[i % len(division_keys)]
        subcontractor = division not in ("01",)
        vendor_rows.append({
            "id": f"V{100 + i}",
            "name": company_name()[:60],
            "trade": DIVISIONS[division][0],
            "contact": person(),
            "email": email(),
            "phone": phone(),
            "address": street(),
            "city": city(),
            "state": state(),
            "zip": postcode(),
            "tax_id": tax_id(),
            "retainage_percent": "10.00" if subcontractor else "0.00",
            "active": i != vendors - 1 or vendors < 3,  # one inactive vendor to trip the rules
        })
    db.table("vendors").insert_multiple(vendor_rows)

    customer_rows = [{
        "id": f"C{100 + i}",
        "name": company_name()[:60],
        "contact": person(),
        "email": email(),
        "phone": phone(),
        "address": street(),
        "city": city(),
        "state": state(),
        "zip": postcode(),
    } for i in range(customers)]
    db.table("customers").insert_multiple(customer_rows)

    project_rows = []
    task_rows = []
    for i in range(projects):
        number = str(1001 + i)
        project_rows.append({
            "id": number,
            "name": f"{fake.city()} {BUILDINGS[i % len(BUILDINGS)]}"[:60],
            "customer_id": customer_rows[i % len(customer_rows)]["id"] if customer_rows else None,
            "address": fake.street_address(),
            "city": fake.city(),
            "state": fake.state_abbr(),
            "zip": fake.zipcode(),
            "start_date": f"2026-{1 + i % 12:02d}-05",
            "end_date": f"2027-{1 + i % 12:02d}-28",
            "contract_amount": f"{fake.random_int(8, 60) * 125000}.00",
            "status": "active",
        })
        chosen = fake.random_sample(codes, length=min(codes_per_project, len(codes)))
        for code in sorted(chosen, key=lambda c: c["code"]):
            task_rows.append({
                "project_id": number,
                "cost_code": code["code"],
                "name": code["name"],
                "cost_types": code["cost_types"],
            })
    db.table("projects").insert_multiple(project_rows)
    db.table("project_tasks").insert_multiple(task_rows)

    document = db.storage.read() or {}
    # Through JSON once so the document holds only plain JSON values.
    return Dataset(json.loads(json.dumps(document)))


def load(name_or_path: str) -> Dataset:
    """A dataset by fixture name (``demo``) or by path to a TinyDB JSON file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = FIXTURES_DIR / f"{name_or_path}.json"
    if not path.is_file():
        raise FileNotFoundError(f"no dataset {name_or_path!r} (looked for {path})")
    db = TinyDB(path, access_mode="r")
    try:
        document = db.storage.read() or {}
    finally:
        db.close()
    return Dataset(document)


def available() -> list[str]:
    return sorted(p.stem for p in FIXTURES_DIR.glob("*.json"))


def write(dataset: Dataset, path: Path) -> None:
    """Write a dataset as a TinyDB JSON file, via a temp file so a crash leaves no half file."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(dataset.to_json() + "\n", encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="erpsim fixtures", description="Build a company dataset.")
    parser.add_argument("--out", type=Path, default=FIXTURES_DIR / "demo.json")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--name", default="Demo Construction")
    parser.add_argument("--vendors", type=int, default=24)
    parser.add_argument("--customers", type=int, default=5)
    parser.add_argument("--projects", type=int, default=3)
    args = parser.parse_args(argv)
    dataset = generate(seed=args.seed, name=args.name, vendors=args.vendors,
                       customers=args.customers, projects=args.projects)
    write(dataset, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
