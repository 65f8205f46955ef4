"""What every Procore object shares: a live handle on one ``pm.*`` record.

Objects are live handles: reading an attribute reads the record as last
loaded (``refresh()`` reloads), and every change goes through ``update()``,
which enforces the ERP workflow's locks. Each object that takes part in the ERP
Integrations workflow also knows its own send preconditions and how to turn
itself into an ERP-neutral export payload.

A parent reaches the tools built on it (a project's commitments, a commitment's
invoices) through ``KINDS``, the registry every object class joins by defining
``kind``, so the tool modules import downwards only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from sync_core.context import CompanyContext as Company
from sync_core.errors import Locked, NotFound
from sync_core.values import Schema, clean
from sync_core.workflow import PENDING, AuditEntry, ErpStatus

ZERO = Decimal("0.00")

E = TypeVar("E", bound="Entity")

KINDS: dict[str, type[Entity]] = {}
"""Every object class by its record kind; filled as the tool modules define them."""


class Entity:
    kind: ClassVar[str]
    label: ClassVar[str]
    schema: ClassVar[Schema] = {}
    tool: ClassVar[str] = "directory"
    """The Procore tool the object lives in; sending needs 'Admin' on it."""
    erp_object: ClassVar[str | None] = None
    """The capability-matrix object name when the object takes part in the ERP workflow."""
    synced_locks: ClassVar[frozenset[str]] = frozenset()
    """Fields that stay locked once the object is synced ('*' for all)."""

    collection: ClassVar[type[Collection[Any]]]
    """The collection class a parent hands out for this kind (see ``children``)."""

    def __init__(self, company: Company, id: int, data: dict[str, Any], parent: int | None = None) -> None:
        self.company = company
        self.id = id
        self.data = data
        self.parent_id = parent

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            KINDS[cls.kind] = cls
            cls.collection = Collection

    def children(self, kind: str) -> Any:
        """The collection of ``kind`` objects under this one (a tool module built above this one)."""
        cls = KINDS[kind]
        return cls.collection(self.company, cls, self)

    # -- identity ------------------------------------------------------------

    @classmethod
    def slug(cls) -> str:
        return cls.kind.removeprefix("pm.")

    @property
    def object_type(self) -> str:
        """The origin-id namespace (Procore's item type)."""
        return self.slug()

    def describe(self) -> str:
        name = self.data.get("title") or self.data.get("name") or self.data.get("number") or self.data.get("code")
        return f"{self.label} #{self.id}" + (f" ({name})" if name else "")

    def __repr__(self) -> str:
        status = self.data.get("erp_status")
        return f"<{self.describe()}{' ' + status if status else ''}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entity) and other.kind == self.kind and other.id == self.id \
            and other.company.id == self.company.id

    def __hash__(self) -> int:
        return hash((self.kind, self.id))

    def __getattr__(self, name: str) -> Any:
        # Fields of the schema read as typed values (money as Decimal, dates as date).
        schema = type(self).schema
        if name in schema:
            return schema[name].load(self.data.get(name))
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    # -- storage -------------------------------------------------------------

    @classmethod
    def load(cls: type[E], company: Company, id: int) -> E:
        record = company.records.get(cls.kind, id)
        if record is None:
            raise NotFound(f"{cls.label} #{id} does not exist in {company.name}")
        return cls(company, record.id, record.data, record.parent)

    def refresh(self: E) -> E:
        record = self.company.records.get(self.kind, self.id)
        if record is None:
            raise NotFound(f"{self.describe()} no longer exists")
        self.data = record.data
        return self

    def _write(self, changes: Mapping[str, Any], *, key: str | None = None) -> None:
        self.refresh()
        data = dict(self.data, **changes)
        self.company.records.update(self.kind, self.id, data, key=key)
        self.data = data

    def _audit(self, action: str, detail: str = "", *, actor: str | None = None,
               from_status: str | None = None, to_status: str | None = None) -> None:
        status = self.data.get("erp_status")
        entry = AuditEntry(self.company.now_text(), actor or self.company.acting_name(), action, self.object_type,
                           self.id, from_status or status, to_status or status, detail)
        self.company.records.audit(entry, self.slug())

    def history(self) -> list[AuditEntry]:
        """The audit trail of this object, oldest first."""
        return self.company.records.history(self.slug(), self.id)

    # -- ERP state -----------------------------------------------------------

    @property
    def erp_status(self) -> ErpStatus:
        return ErpStatus(self.data.get("erp_status", ErpStatus.NOT_IN_ERP))

    @property
    def origin_id(self) -> str | None:
        return self.data.get("origin_id")

    @property
    def origin_data(self) -> dict[str, Any]:
        return dict(self.data.get("origin_data") or {})

    @property
    def synced(self) -> bool:
        return self.erp_status is ErpStatus.SYNCED

    @property
    def erp_message(self) -> str | None:
        """The ERP's own message from the last failed export."""
        return self.data.get("erp_message")

    @property
    def rejection_reason(self) -> str | None:
        return self.data.get("rejection_reason")

    # -- editing -------------------------------------------------------------

    def lock_reason(self, fields: set[str]) -> str | None:
        """Why ``fields`` cannot change now, or None."""
        status = self.erp_status
        if status in PENDING:
            return (f"{self.describe()} is {status.label} in ERP Integrations and is locked; "
                    f"retrieve it from ERP before editing")
        if status is ErpStatus.SYNCED and self.synced_locks:
            locked = fields if "*" in self.synced_locks else fields & self.synced_locks
            if locked:
                return (f"{', '.join(sorted(locked))} of {self.describe()} cannot change: "
                        f"it is synced with ERP and these fields are locked")
        return None

    def update(self: E, **values: Any) -> E:
        """Change fields; refused while the workflow locks them."""
        cleaned = clean(self.schema, values, partial=True, what=self.label)
        reason = self.lock_reason(set(cleaned))
        if reason:
            raise Locked(reason)
        self.validate(dict(self.data, **cleaned))
        self._write(cleaned)
        self._audit("edit", ", ".join(f"{k}={v}" for k, v in cleaned.items()))
        return self

    def validate(self, data: dict[str, Any]) -> None:
        """Cross-field checks on the would-be data; raise ValidationFailed."""

    def delete(self) -> None:
        reason = self.lock_reason({"*"})
        if self.erp_status is ErpStatus.SYNCED:
            reason = f"{self.describe()} is synced with ERP and cannot be deleted; unlink it first"
        if reason:
            raise Locked(reason)
        self._delete_children()
        self.company.records.delete(self.kind, self.id)

    def _delete_children(self) -> None:
        pass

    # -- the ERP Integrations workflow (see sync_core.tool) -------------------

    def send_to_erp(self: E, by: Any = None) -> E:
        """Send to ERP Integrations for accounting acceptance (Ready to Export)."""
        self.company.erp.send(self, by=by)
        return self.refresh()

    def resend_to_erp(self: E, by: Any = None) -> E:
        """Re-send a rejected (or failed) item after fixing it."""
        self.company.erp.resend(self, by=by)
        return self.refresh()

    def retrieve_from_erp(self: E, by: Any = None) -> E:
        """Take an item back from Ready to Export before the approver decides."""
        self.company.erp.retrieve(self, by=by)
        return self.refresh()

    def unlink_from_erp(self: E, by: Any = None) -> E:
        """Break the link to an ERP record that has been deleted in the ERP."""
        self.company.erp.unlink(self, by=by)
        return self.refresh()

    # hooks the ERP tool calls; overridden by workflow objects
    def send_problems(self) -> list[str]:
        return []

    def limit_values(self) -> dict[str, Any]:
        return {}

    def lines_for_lock(self) -> list[Entity]:
        return []


class Line(Entity):
    """A row of a header object (SOV line, budget line). Locked with its header."""

    header_cls: ClassVar[type[Entity]]
    line_locks_when_synced: ClassVar[bool] = True

    @property
    def header(self) -> Entity:
        assert self.parent_id is not None
        return self.header_cls.load(self.company, self.parent_id)

    def lock_reason(self, fields: set[str]) -> str | None:
        header = self.header
        if header.erp_status in PENDING:
            return header.lock_reason(fields)
        if self.line_locks_when_synced and (header.synced or self.origin_id):
            return f"{self.describe()} of {header.describe()} is synced with ERP and cannot change"
        return None


class Collection(Generic[E]):
    """Objects of one kind in a company, optionally under one parent."""

    def __init__(self, company: Company, cls: type[E], parent: Entity | None = None) -> None:
        self.company = company
        self.cls = cls
        self.parent = parent

    def get(self, id: int) -> E:
        obj = self.cls.load(self.company, id)
        if self.parent is not None and obj.parent_id != self.parent.id:
            raise NotFound(f"{self.cls.label} #{id} does not belong to {self.parent.describe()}")
        return obj

    def all(self) -> list[E]:
        if self.parent is not None:
            rows = self.company.records.children(self.cls.kind, self.parent.id)
        else:
            rows = list(self.company.records.iter(self.cls.kind))
        return [self.cls(self.company, r.id, r.data, r.parent) for r in rows]

    def where(self, **eq: Any) -> list[E]:
        return [o for o in self.all() if all(o.data.get(k) == v for k, v in eq.items())]

    def first(self, **eq: Any) -> E | None:
        found = self.where(**eq)
        return found[0] if found else None

    def __iter__(self) -> Iterator[E]:
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())

    def _insert(self, data: dict[str, Any], *, key: str | None = None) -> E:
        parent = None if self.parent is None else self.parent.id
        id = self.company.records.insert(self.cls.kind, data, key=key, parent=parent)
        obj = self.cls(self.company, id, data, parent)
        obj._audit("create", obj.describe())
        return obj

    def create(self, **values: Any) -> E:
        data = clean(self.cls.schema, values, what=self.cls.label)
        if self.cls.erp_object is not None:
            data["erp_status"] = ErpStatus.NOT_IN_ERP.value
        probe = self.cls(self.company, 0, data, None if self.parent is None else self.parent.id)
        probe.validate(data)
        return self._insert(data)


