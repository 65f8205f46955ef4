"""The /_erpsim/ control plane: health, tenants, seeding, reset, snapshot and restore, clock."""

from __future__ import annotations

import json

from starlette.testclient import TestClient

from simulator import datasets


def test_health(client: TestClient) -> None:
    body = client.get("/_erpsim/health").json()
    assert body["status"] == "ok"
    assert "intacct" in body["services"]
    assert body["tenants"] == 1


def test_demo_tenant_exists_with_per_erp_settings(client: TestClient) -> None:
    demo = client.get("/_erpsim/tenants/demo").json()
    assert demo["name"] == "Demo Construction"
    assert demo["fixture"] == "demo"
    assert demo["config"]["intacct"]["company_id"] == "DEMO"


def test_create_list_delete_tenant(client: TestClient) -> None:
    created = client.post("/_erpsim/tenants", json={"id": "acme", "name": "Acme Builders"})
    assert created.status_code == 201
    assert created.json()["config"]["intacct"]["company_id"] == "ACME"
    assert [t["id"] for t in client.get("/_erpsim/tenants").json()["tenants"]] == ["acme", "demo"]
    assert client.post("/_erpsim/tenants", json={"id": "acme"}).status_code == 409
    assert client.delete("/_erpsim/tenants/acme").status_code == 204
    assert client.get("/_erpsim/tenants/acme").status_code == 404
    assert client.delete("/_erpsim/tenants/acme").status_code == 404


def test_bad_admin_input_is_a_clear_4xx(client: TestClient) -> None:
    cases = [
        client.post("/_erpsim/tenants", content=b"{not json"),
        client.post("/_erpsim/tenants", json=["a"]),
        client.post("/_erpsim/tenants", json={"id": "Bad Id!"}),
        client.post("/_erpsim/tenants", json={"id": "x", "fixture": "nope"}),
        client.post("/_erpsim/tenants", json={"id": "y", "config": "nope"}),
        client.patch("/_erpsim/tenants/demo/config", json={"quickbooks": {}}),
        client.post("/_erpsim/tenants/demo/seed", json={}),
        client.post("/_erpsim/tenants/demo/seed", json={"generate": {"vendors": -1}}),
        client.post("/_erpsim/tenants/demo/restore", json={"not": "a snapshot"}),
        client.post("/_erpsim/clock", json={"advance_seconds": -5}),
    ]
    for response in cases:
        assert 400 <= response.status_code < 500, response.text
        assert response.json()["error"]["message"]
    assert client.get("/_erpsim/nowhere").status_code == 404
    # A refused fixture left no tenant behind.
    assert client.get("/_erpsim/tenants/x").status_code == 404


def test_tenant_with_fixture_is_seeded_and_isolated(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    client.post("/_erpsim/tenants", json={"id": "other", "fixture": "demo"})
    other, demo = store.records("other"), store.records("demo")
    assert other.count("intacct.VENDOR") == demo.count("intacct.VENDOR") == 24
    demo.insert("intacct.VENDOR", {"VENDORID": "ONLY-DEMO"}, key="ONLY-DEMO")
    assert other.get_by_key("intacct.VENDOR", "ONLY-DEMO") is None


def test_seed_generated_company(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    client.post("/_erpsim/tenants", json={"id": "big"})
    response = client.post("/_erpsim/tenants/big/seed", json={"generate": {"vendors": 50, "projects": 2}})
    assert response.status_code == 200
    assert store.records("big").count("intacct.VENDOR") == 50
    assert store.records("big").count("intacct.PROJECT") == 2


def test_reset_returns_to_the_seeded_state(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    records = store.records("demo")
    before = records.count("intacct.VENDOR")
    records.insert("intacct.VENDOR", {"VENDORID": "EXTRA"}, key="EXTRA")
    assert client.post("/_erpsim/tenants/demo/reset").status_code == 200
    assert records.count("intacct.VENDOR") == before
    assert records.get_by_key("intacct.VENDOR", "EXTRA") is None


def test_snapshot_is_a_tinydb_document_and_restores_exactly(client: TestClient, store, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from tinydb import Query, TinyDB

    snapshot = client.get("/_erpsim/tenants/demo/snapshot").json()
    assert snapshot["_tenant"]["1"]["id"] == "demo"
    assert snapshot["intacct.VENDOR"]["1"]["data"]["VENDORID"] == "V100"
    # People can query it with TinyDB itself.
    path = tmp_path / "snap.json"
    path.write_text(json.dumps(snapshot))
    db = TinyDB(path)
    assert db.table("intacct.VENDOR").get(Query().data.VENDORID == "V105") is not None
    db.close()

    records = store.records("demo")
    records.insert("intacct.VENDOR", {"VENDORID": "AFTER"}, key="AFTER")
    restored = client.post("/_erpsim/tenants/demo/restore", json=snapshot)
    assert restored.status_code == 200
    assert records.get_by_key("intacct.VENDOR", "AFTER") is None
    assert client.get("/_erpsim/tenants/demo/snapshot").json() == snapshot
    # Sequences came back too: the next id continues where the snapshot left off.
    assert records.next_value("intacct.VENDOR") == snapshot_sequence(snapshot, "intacct.VENDOR") + 1


def snapshot_sequence(snapshot: dict, name: str) -> int:  # type: ignore[type-arg]
    return next(s["value"] for s in snapshot["_sequences"].values() if s["name"] == name)


def test_restore_into_another_tenant(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    snapshot = client.get("/_erpsim/tenants/demo/snapshot").json()
    client.post("/_erpsim/tenants", json={"id": "copy"})
    assert client.post("/_erpsim/tenants/copy/restore", json=snapshot).status_code == 200
    assert store.records("copy").count("intacct.COSTTYPE") == store.records("demo").count("intacct.COSTTYPE")


def test_bad_restore_changes_nothing(client: TestClient, store) -> None:  # type: ignore[no-untyped-def]
    snapshot = client.get("/_erpsim/tenants/demo/snapshot").json()
    snapshot["intacct.VENDOR"]["2"]["data"] = "broken"
    assert client.post("/_erpsim/tenants/demo/restore", json=snapshot).status_code == 400
    assert store.records("demo").count("intacct.VENDOR") == 24


def test_clock_advances(client: TestClient) -> None:
    before = client.get("/_erpsim/clock").json()
    after = client.post("/_erpsim/clock", json={"advance_seconds": 3600}).json()
    assert after["offset_seconds"] == before["offset_seconds"] + 3600


def test_fixtures_listed(client: TestClient) -> None:
    assert "demo" in client.get("/_erpsim/fixtures").json()["fixtures"]


def test_demo_dataset_is_deterministic_and_committed() -> None:
    assert datasets.generate().document == datasets.generate().document
    committed = datasets.load("demo")
    assert len(committed.vendors) == 24 and len(committed.projects) == 3
    assert all(c["code"][2] == "-" and len(c["code"]) == 6 for c in committed.cost_codes)
    assert {t["name"] for t in committed.cost_types} == {"Labor", "Material", "Subcontract", "Equipment", "Other"}


def test_generator_scales() -> None:
    big = datasets.generate(vendors=1200, customers=10, projects=20)
    assert len(big.vendors) == 1200 and len({v["id"] for v in big.vendors}) == 1200
    assert len(big.projects) == 20


def test_a_database_from_before_a_room_existed_gains_its_books(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from simulator.app import create_app, default_services
    from simulator.store import Store

    path = str(tmp_path / "old.db")
    intacct_only = [svc for svc in default_services() if svc.name == "intacct"]
    old = Store(path)
    create_app(old, services=intacct_only)
    old.close()

    store = Store(path)
    app = create_app(store)
    demo = app.state.tenants.get("demo")
    assert {svc.name for svc in default_services()} <= set(demo.config)
    kinds = store.records("demo").kinds()
    for svc in default_services():
        assert any(k.startswith(svc.name + ".") for k in kinds), svc.name
    assert app.state.tenants.add_missing_services() == []
    store.close()
