from __future__ import annotations

import pytest

from simulator.store import DuplicateKey, Store


def make(store: Store, *ids: str) -> None:
    for tid in ids:
        store.create_tenant(tid, tid.title(), {})


def test_records_are_isolated_per_tenant(store: Store) -> None:
    make(store, "a", "b")
    a, b = store.records("a"), store.records("b")
    rid = a.insert("x.VENDOR", {"NAME": "only in a"}, key="V1")
    assert a.get("x.VENDOR", rid) is not None
    assert b.get("x.VENDOR", rid) is None
    assert b.get_by_key("x.VENDOR", "V1") is None
    # the same key is free in another tenant
    b.insert("x.VENDOR", {"NAME": "in b"}, key="V1")
    assert a.count("x.VENDOR") == 1 and b.count("x.VENDOR") == 1
    assert b.delete("x.VENDOR", rid) is True
    assert a.get("x.VENDOR", rid) is not None


def test_keys_are_unique_per_kind(store: Store) -> None:
    make(store, "a")
    records = store.records("a")
    records.insert("x.VENDOR", {}, key="V1")
    with pytest.raises(DuplicateKey):
        records.insert("x.VENDOR", {}, key="V1")
    records.insert("x.CUSTOMER", {}, key="V1")


def test_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    make(store, "a")
    records = store.records("a")
    with pytest.raises(RuntimeError):
        with store.transaction():
            records.insert("x.VENDOR", {"n": 1}, key="V1")
            raise RuntimeError("boom")
    assert records.count("x.VENDOR") == 0
    assert records.sequences() == {}


def test_savepoints_roll_back_only_the_inner_part(store: Store) -> None:
    make(store, "a")
    records = store.records("a")
    with store.transaction():
        records.insert("x.VENDOR", {}, key="V1")
        with pytest.raises(ValueError):
            with store.transaction():
                records.insert("x.VENDOR", {}, key="V2")
                raise ValueError
        records.insert("x.VENDOR", {}, key="V3")
    assert sorted(r.key for r in records.scan("x.VENDOR")) == ["V1", "V3"]


def test_ids_are_not_reused_after_delete(store: Store) -> None:
    make(store, "a")
    records = store.records("a")
    first = records.insert("x.VENDOR", {})
    records.delete("x.VENDOR", first)
    assert records.insert("x.VENDOR", {}) == first + 1


def test_children_and_keyset_iteration(store: Store) -> None:
    make(store, "a")
    records = store.records("a")
    head = records.insert("x.BILL", {})
    for n in range(5):
        records.insert("x.BILLITEM", {"n": n}, parent=head)
    records.insert("x.BILLITEM", {"n": 99}, parent=head + 1000)
    assert [r.data["n"] for r in records.children("x.BILLITEM", head)] == [0, 1, 2, 3, 4]
    assert len(list(records.iter("x.BILLITEM", batch=2))) == 6
    assert [r.data["n"] for r in records.scan("x.BILLITEM", offset=1, limit=2)] == [1, 2]


def test_deleting_a_tenant_removes_its_records(store: Store) -> None:
    make(store, "a")
    store.records("a").insert("x.VENDOR", {})
    assert store.delete_tenant("a")
    assert store.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 0


def test_file_database_uses_wal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    store = Store(str(tmp_path / "x.db"))
    assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store.close()


def test_counts_follow_inserts_deletes_and_clear(store: Store) -> None:
    make(store, "a", "b")
    a = store.records("a")
    head = a.insert("x.BILL", {})
    for _ in range(3):
        a.insert("x.LINE", {}, parent=head)
    store.records("b").insert("x.LINE", {})
    assert a.count("x.LINE") == 3
    assert a.delete_children("x.LINE", head) == 3
    assert a.count("x.LINE") == 0 and store.records("b").count("x.LINE") == 1
    a.delete("x.BILL", head)
    a.delete("x.BILL", head)  # already gone: the count must not drift
    assert a.count("x.BILL") == 0
    with pytest.raises(RuntimeError):
        with store.transaction():
            a.insert("x.BILL", {})
            raise RuntimeError
    assert a.count("x.BILL") == 0
    a.insert("x.BILL", {})
    a.clear()
    assert a.count("x.BILL") == 0


def test_offset_paging_matches_plain_order(store: Store) -> None:
    make(store, "a")
    records = store.records("a")
    for n in range(50):
        records.insert("x.V", {"n": n})
    assert [r.data["n"] for r in records.scan("x.V", offset=45)] == [45, 46, 47, 48, 49]
    assert [r.data["n"] for r in records.scan("x.V", offset=2, limit=3, descending=True)] == [47, 46, 45]
    assert records.ids("x.V") == list(range(1, 51))


# -- listing: filters, order and pages in SQL ------------------------------------------------------

from simulator.store import Cond, Record, Records, StoreError, declare_index  # noqa: E402

declare_index("test.thing", ["code", "status"])


def _things(store: Store, tenant: str = "t1", n: int = 50) -> Records:
    if store.get_tenant(tenant) is None:
        store.create_tenant(tenant, tenant, {})
    records = store.records(tenant)
    records.insert_many("test.thing", ((i, f"K{i}", None, {"code": f"C{i % 10}", "status": "active" if i % 3 else
                                       "inactive", "n": i}) for i in range(1, n + 1)))
    return records


def plan(store: Store, records: Records, where: list[Cond]) -> str:
    clause, params = records._where("test.thing", where, None)
    rows = store.execute(f"EXPLAIN QUERY PLAN SELECT id FROM records WHERE {clause} ORDER BY id", tuple(params))
    return " ".join(str(r[-1]) for r in rows)


def test_select_filters_orders_and_pages_in_one_statement() -> None:
    store = Store()
    records = _things(store)
    page = records.select("test.thing", [Cond("code", "=", "C3")], offset=1, limit=2)
    assert [r.id for r in page] == [13, 23]
    assert records.count_where("test.thing", [Cond("code", "=", "C3")]) == 5
    assert records.select_ids("test.thing", [Cond("code", "in", ["C1", "C2"]), Cond("status", "=", "inactive")]) \
        == [12, 21, 42]
    desc = records.select("test.thing", [Cond("n", ">", 45)], order=[("n", True)])
    assert [r.data["n"] for r in desc] == [50, 49, 48, 47, 46]
    assert records.select_fields("test.thing", ["code", "n"], [Cond("key", "=", "K7")]) == [("C7", 7)]
    assert records.select("test.thing", [Cond("code", "in", [])]) == []
    assert [r.id for r in records.get_many("test.thing", [9, 3, 999])] == [9, 3]


def test_declared_fields_read_their_index_and_others_scan() -> None:
    store = Store()
    records = _things(store)
    assert records.indexed("test.thing", "code") and not records.indexed("test.thing", "n")
    assert "records:test.thing:code" in plan(store, records, [Cond("code", "=", "C1")])
    assert "records:test.thing" not in plan(store, records, [Cond("n", "=", 4)])


def test_select_never_crosses_tenants() -> None:
    store = Store()
    _things(store, "t1", 5)
    other = _things(store, "t2", 3)
    assert [r.id for r in other.select("test.thing", [Cond("code", "=", "C1")])] == [1]
    assert other.count("test.thing") == 3 and store.records("t1").count("test.thing") == 5


def test_counts_follow_every_write() -> None:
    store = Store()
    records = _things(store, n=4)
    records.insert("test.thing", {"code": "x"}, parent=1)
    records.delete("test.thing", 2)
    assert records.count("test.thing") == 4
    assert records.delete_children("test.thing", 1) == 1
    assert records.count("test.thing") == 3


def test_update_is_refused_for_a_taken_key_or_a_missing_row() -> None:
    store = Store()
    records = _things(store, n=3)
    with pytest.raises(DuplicateKey):
        records.update("test.thing", 1, {"code": "y"}, key="K2")
    with pytest.raises(StoreError):
        records.update("test.thing", 99, {"code": "y"})
    records.update("test.thing", 1, {"code": "y"})
    assert records.get("test.thing", 1) == Record(1, "K1", None, {"code": "y"})
