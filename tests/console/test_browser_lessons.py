"""A whole lesson played by clicking in Chromium: Next for the machine, the learner's own clicks for the
human steps, and the lesson's verdict on each."""

from __future__ import annotations

import pytest

from tests.console.browser import Watched
from tests.console.test_browser_procore import new_seat

pytestmark = pytest.mark.browser


def test_play_lesson_one_by_clicking(web: Watched) -> None:
    seat = "browser-lesson"
    new_seat(web, seat)
    page = web.page
    web.goto("/")
    card = page.locator(".lesson-card", has_text="Lesson 1")
    card.locator("select[name=seat]").select_option(seat)
    card.get_by_role("button", name="Open the lesson").click()
    assert page.url.endswith(f"/seats/{seat}/lessons/first-sync")
    page.get_by_role("button", name="Start the lesson (resets the seat)").click()
    assert web.flash() == "The seat is reset and the lesson has begun."
    lesson_url = page.url.split("#")[0]
    shot = False

    for _ in range(60):
        current = page.locator("li.step.current")
        if current.count() == 0:
            break
        who = current.locator(".who").inner_text()
        label = current.locator(".step-head strong").inner_text()
        if who == "MACHINE" or who == "Machine":
            current.get_by_role("button", name="Next").click()
            assert "did not hold" not in web.flash(), label
            continue
        if not shot:
            # Check before acting: the lesson says what is missing and waits.
            current.get_by_role("button", name="Check what I did").click()
            assert web.flash().startswith("Not yet:")
            web.screenshot("lesson-in-progress")
            shot = True
            current = page.locator("li.step.current")
        action = label.split(": ", 1)[1]
        if action == "send to erp":
            current.locator(".todo a").first.click()
            page.get_by_role("button", name="Send to ERP").click()
            assert "sent to ERP" in web.flash()
        elif action == "accept":
            params = current.locator("pre.params").inner_text()
            current.locator(".todo a").first.click()
            web.goto(f"/seats/{seat}/erp-integrations")
            card = page.locator("section.queue-item").first
            for field, key in (("erp_job_id", '"erp job id": "'), ("erp_vendor_id", '"erp vendor id": "')):
                if key in params:
                    card.locator(f"input[name=field_{field}]").fill(params.split(key)[1].split('"')[0])
            card.get_by_role("button", name="Accept").click()
            assert "accepted and synced" in web.flash()
        elif action == "pay bill":
            bill = current.locator("pre.params").inner_text().split('"bill": "')[1].split('"')[0]
            web.goto(f"/seats/{seat}/erp/intacct")
            form = page.locator("#pay_bill form")
            form.locator("input[name=bill]").fill(bill)
            form.get_by_role("button").click()
            assert "Pay a bill: done." in web.flash()
        else:
            raise AssertionError(f"lesson 1 asks for {label}, which this test does not play")
        page.goto(lesson_url)
        page.locator("li.step.current").get_by_role("button", name="Check what I did").click()
        assert web.flash().startswith("Right:"), label
    assert shot
    assert "The lesson is complete. Well done." in page.content()
    assert page.locator("li.step.wrong").count() == 0
