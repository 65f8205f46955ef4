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
