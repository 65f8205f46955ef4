"""The console in real headless Chromium: every page of a seat opens clean, and the forms work by clicking."""

from __future__ import annotations

from urllib.parse import urljoin, urlparse

import pytest

import httpx

from tests.console.browser import Watched
from tests.console.helpers import INTACCT, Console, lifecycle

pytestmark = pytest.mark.browser


def family(path: str) -> str:
    """Pages that differ only in a record's number are one page to check: ``.../books/vendors/#``."""
    head, _, last = path.rpartition("/")
    return f"{head}/#" if last.isdigit() else path


def crawl(web: Watched, start: str, inside: tuple[str, ...], limit: int = 300, per_family: int = 1) -> list[str]:
    """Open every page reachable by links from ``start`` whose path begins with one of ``inside``
    (one record of each kind: one record's page is built as every other's)."""
    seen: set[str] = set()
    families: dict[str, int] = {}
    queue = [start]
    opened = []
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = web.goto(path)
        assert response is not None and response.status < 400, f"{path} answered {response and response.status}"
        opened.append(path)
        assert len(opened) <= limit, f"more than {limit} pages under {start}: is a link generating new ones?"
        links = web.page.eval_on_selector_all(
            "a[href]", "els => els.map(e => [e.getAttribute('href'), e.hasAttribute('download')])")
        for href, is_download in links:
            url = urlparse(urljoin(web.base_url + path, href))
            if url.netloc != urlparse(web.base_url).netloc:
                continue
            target = url.path
            if is_download:
                answer = web.page.request.get(web.base_url + target)
                assert answer.status == 200, f"{target} answered {answer.status}"
            elif target.startswith(inside) and target not in seen and target not in queue:
                if families.get(family(target), 0) < per_family:
                    families[family(target)] = families.get(family(target), 0) + 1
                    queue.append(target)
    return opened


def test_crawl_every_page_of_a_seat(web: Watched) -> None:
    # A seat that has been through the headline lifecycle, so every kind of page has something on it.
    with httpx.Client(base_url=web.base_url, headers={"Origin": web.base_url}) as client:
        console = Console(client, "crawl")  # type: ignore[arg-type]
        assert console.ok("/seats", {"id": "crawl", "fixture": "demo"}) == "/seats/crawl"
        pages = lifecycle(console, INTACCT)
        console.ok("/erp/intacct/actions/pay_bill", {"bill": "G-1"})
        console.ok("/erp-integrations/imports/job_costs")
        console.refused("/lessons/first-sync/next")  # a lesson not started yet says so
    for erp, vendor in (("sage100", "610"), ("acumatica", "V610")):
        web.goto(f"/seats/crawl/erp/{erp}")
        form = web.page.locator("#create_vendor form")
        form.locator("input[name=vendor_id]").fill(vendor)
        form.locator("input[name=name]").fill("Crawl Electric")
        form.locator("button").click()
        assert "Create a vendor: done." in web.flash()
    opened = crawl(web, "/", ("/seats/crawl", "/lessons/"))
    for must in (*pages.values(), "/seats/crawl/procore/directory", "/seats/crawl/erp-integrations/job-costs",
                 "/seats/crawl/erp-integrations/queues/synced", "/seats/crawl/lessons/first-sync"):
        assert must in opened, must
    assert any(p.startswith("/seats/crawl/erp/sage100/books/vendors/") for p in opened)
    assert any(p.startswith("/seats/crawl/erp/intacct/books/bills/") for p in opened)
    web.expect_clean()


def test_make_a_class_reset_and_restore_by_clicking(web: Watched, tmp_path: pytest.TempPathFactory) -> None:
    page = web.page
    web.goto("/")
    page.locator("select[name=fixture]").select_option("demo")
    page.locator("input[name=count]").fill("2")
    page.locator("input[name=id]").fill("class")
    page.get_by_role("button", name="Make seats").click()
    assert web.flash() == "2 seats are ready: class-1 to class-2."
    page.get_by_role("link", name="class-2", exact=True).click()
    assert page.url.endswith("/seats/class-2")

    with page.expect_download() as download:
        page.get_by_role("link", name="Download a snapshot").click()
    saved = str(tmp_path / "class-2.json")  # type: ignore[operator]
    download.value.save_as(saved)

    page.get_by_role("link", name="Intacct books", exact=True).click()
    form = page.locator("#create_vendor form")
    form.locator("input[name=vendor_id]").fill("V777")
    form.locator("input[name=name]").fill("After The Snapshot")
    form.get_by_role("button").click()
    assert "done" in web.flash()

    page.get_by_role("link", name="Overview").click()
    page.locator("input[name=snapshot]").set_input_files(saved)
    page.get_by_role("button", name="Restore", exact=True).click()
    assert "restored from class-2.json" in web.flash()
    web.goto("/seats/class-2/erp/intacct/books/vendors")
    assert "After The Snapshot" not in page.content()

    web.goto("/seats/class-2/erp/intacct")
    form = page.locator("#create_vendor form")
    form.locator("input[name=vendor_id]").fill("V778")
    form.locator("input[name=name]").fill("Also Later")
    form.get_by_role("button").click()
    web.goto("/seats/class-2")
    page.get_by_role("button", name="Reset to demo").click()
    assert "back to its fixture" in web.flash()
    web.goto("/seats/class-2/erp/intacct/books/vendors")
    assert "Also Later" not in page.content()

    web.goto("/seats/class-1")
    page.get_by_role("button", name="Delete the seat").click()
    assert web.flash() == "Seat class-1 is deleted."


@pytest.mark.parametrize("erp, vendor, job, code, ctype", [
    ("intacct", "V620", "3101", "03-300", "Subcontract"),
    ("sage100", "620", "3101", "3.300", "4"),
    ("acumatica", "V620", "3101", "03-300", "SUBCONTRACT"),
])
def test_every_back_office_form_by_clicking(web: Watched, erp: str, vendor: str, job: str, code: str,
                                            ctype: str) -> None:
    page = web.page

    def submit(action: str, values: dict[str, str]) -> str:
        web.goto(f"/seats/demo/erp/{erp}")
        form = page.locator(f"#{action} form")
        for name, value in values.items():
            form.locator(f"[name={name}]").fill(value)
        form.locator("button").click()
        return web.flash()

    assert "done" in submit("create_vendor", {"vendor_id": vendor, "name": "Click Glass"})
    assert "refused" in submit("create_vendor", {"vendor_id": vendor, "name": "Click Glass"})
    assert "done" in submit("create_job", {"job_id": job, "name": "Click Depot",
                                           "tasks": f"{code} | Concrete | {ctype}=5000"})
    assert "done" in submit("post_job_cost", {"job": job, "cost_code": code, "cost_type": ctype, "amount": "99.95"})
    assert "refused" in submit("pay_bill", {"bill": "NO-SUCH-BILL"})
    assert "refused" in submit("release_retainage", {"bill": "NO-SUCH-BILL"})
    if erp != "intacct":
        table, key, field = ("actpay", vendor, "duedte = 30DY") if erp == "sage100" else ("Vendor", vendor, "Terms = 30D")
        assert "done" in submit("update_record", {"object": table, "key": key, "fields": field})
    obj = {"intacct": "VENDOR", "sage100": "actpay", "acumatica": "Vendor"}[erp]
    assert "done" in submit("delete_record", {"object": obj, "key": vendor})
    assert "refused" in submit("delete_record", {"object": obj, "key": vendor})
