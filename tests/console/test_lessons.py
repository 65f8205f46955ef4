"""Lessons: a scenario file played in a seat, machine steps on Next, human steps done by the learner in the
console and checked."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from simulator.console import lessons
from tests.console.helpers import Console, item_id


@pytest.fixture
def console(client: TestClient) -> Console:
    return Console(client)


def current(console: Console, name: str) -> tuple[str, str]:
    """(who acts at the current step, its label)."""
    page = console.get(f"/lessons/{name}")
    found = re.search(r'<li id="step-\d+" class="step current[^"]*">\s*<div class="step-head">\s*'
                      r'<span class="who">(\w+)</span>\s*<strong>([^<]*)</strong>', page)
    assert found, "no current step"
    return found.group(1), found.group(2)


def target(console: Console, name: str) -> str:
    page = console.get(f"/lessons/{name}")
    return re.search(r'<strong>Your turn:</strong>[^<]*open <a href="([^"]+)"', page).group(1)


def test_three_lessons_for_learners_are_listed_on_the_home_page(client: TestClient) -> None:
    learner = [found for found in lessons.catalogue() if found.for_learners]
    assert {found.name for found in learner} >= {"first-sync", "rejected-subcontract", "retainage-release"}
    home = client.get("/").text
    for found in learner:
        assert found.title.replace('"', "&#34;") in home or found.title in home
        assert f'action="/lessons/{found.name}/play"' in home
    opened = client.get("/lessons/first-sync/play", params={"seat": "demo"}, follow_redirects=False)
    assert opened.headers["location"] == "/seats/demo/lessons/first-sync"
    assert client.get("/seats/demo/lessons").status_code == 200
    assert "headline" in client.get("/seats/demo/lessons").text  # every scenario file plays too
    assert client.get("/seats/demo/lessons/nope").status_code == 404


def test_play_the_rejected_subcontract_lesson(console: Console) -> None:
    name = "rejected-subcontract"
    assert "Start the lesson" in console.get(f"/lessons/{name}")
    console.ok(f"/lessons/{name}/start")
    # Machine steps until the learner's turn.
    while current(console, name)[0] == "Machine":
        console.ok(f"/lessons/{name}/next")
    assert current(console, name) == ("You", "pm: reject")
    # Checking before doing it says what is wrong, and the lesson waits.
    refusal = console.refused(f"/lessons/{name}/next")
    assert "Not yet:" in refusal and "is Ready to Export; it should be Rejected" in refusal
    subcontract = target(console, name)
    console.ok(f"/erp-integrations/work_order_contracts/{item_id(subcontract)}/reject",
               {"reason": "Retainage must be 10% per the subcontract agreement"})
    _, said = console.post(f"/lessons/{name}/next")
    assert said["ok"].startswith("Right:") and "with your reason" in said["ok"]
    while current(console, name)[0] == "Machine":
        console.ok(f"/lessons/{name}/next")
    assert current(console, name) == ("You", "pm: resend")
    console.ok(f"{subcontract}/resend")
    console.ok(f"/lessons/{name}/next")
    assert current(console, name) == ("You", "pm: accept")
    console.ok(f"/erp-integrations/work_order_contracts/{item_id(subcontract)}/accept")
    console.ok(f"/lessons/{name}/next")
    while "The lesson is complete" not in console.get(f"/lessons/{name}"):
        console.ok(f"/lessons/{name}/next")
    finished = console.get(f"/lessons/{name}")
    assert "✘" not in finished  # the early wrong check was replaced by the right one
    assert finished.count("✔") == len(lessons.steps_for(lessons.lesson(name), "intacct"))


def test_a_wrong_erp_id_is_caught(console: Console) -> None:
    name = "first-sync"
    console.ok(f"/lessons/{name}/start")
    console.ok(f"/lessons/{name}/next")  # the machine creates the project
    project = target(console, name)
    console.ok(f"{project}/send")
    console.ok(f"/lessons/{name}/next")
    assert current(console, name) == ("You", "pm: accept")
    console.ok(f"/erp-integrations/projects/{item_id(project)}/accept", {"field_erp_job_id": "9999"})
    wrong = console.refused(f"/lessons/{name}/next")
    assert "erp job id should be 3001, you entered 9999" in wrong


def test_starting_over_resets_the_seat(console: Console) -> None:
    name = "first-sync"
    console.ok(f"/lessons/{name}/start")
    console.ok(f"/lessons/{name}/next")
    assert "Riverside Library" in console.get("/procore")
    console.ok(f"/lessons/{name}/start")
    assert "Riverside Library" not in console.get("/procore")
    assert current(console, name) == ("Machine", "pm: create project")
