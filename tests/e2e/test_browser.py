"""The pages in real headless Chromium (Debian's ``chromium``, driven by playwright; no browser download):
an agent finds the seeded person and reads why her records were joined; a supervisor decides a review.
Screenshots of the search, citizen and review pages are saved under docs/screenshots/."""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn

from hub.api.app import create_app
from hub.auth import Role
from hub.auth.tokens import sign_in_link
from hub.bus.factory import bus_from_settings
from tests.integration.web.seed import Seeded, seed

pytestmark = pytest.mark.e2e

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
# The README's screenshots are refreshed on purpose (UPDATE_SCREENSHOTS=1), never as a side effect of CI.
DOCS_SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
SHOTS = DOCS_SHOTS if os.environ.get("UPDATE_SCREENSHOTS") == "1" else Path(tempfile.mkdtemp(prefix="shots-"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Served:
    def __init__(self, seeded: Seeded, base: str) -> None:
        self.seeded = seeded
        self.base = base

    def link(self, role: Role, subject: str, **claims: str) -> str:
        return sign_in_link(self.base, self.seeded.token(role, subject, **claims))


@pytest_asyncio.fixture(loop_scope="session")
async def served(tmp_path: Path) -> AsyncIterator[Served]:
    seeded = seed(tmp_path)
    bus = bus_from_settings(seeded.settings)
    await bus.start()
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(seeded.settings, db=seeded.db, bus=bus), host="127.0.0.1", port=port,
                       log_level="warning", lifespan="on")
    )  # fmt: skip
    task = asyncio.create_task(server.serve())
    for _ in range(200):  # up to 10 s
        if server.started:
            break
        await asyncio.sleep(0.05)  # noqa: ASYNC110 - uvicorn exposes a flag, not an event
    yield Served(seeded, f"http://127.0.0.1:{port}")
    server.should_exit = True
    await task
    await bus.stop()
    seeded.db.dispose()


def test_chromium_is_installed() -> None:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install chromium"


@pytest_asyncio.fixture(loop_scope="session")
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        await chromium.close()


async def test_an_agent_finds_a_person_and_sees_why_records_were_joined(
    served: Served, browser: object
) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    link = served.link(Role.AGENT, "a.khan", name="Aisha Khan", line="council_tax",
                       purpose="council_tax_reduction")  # fmt: skip
    await page.goto(link)
    assert page.url.endswith("/search")  # the token left the address bar
    # Keyboard alone: the first Tab lands on the skip link, then the form is reachable and submittable.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    await page.get_by_label("Name").fill("Peggy Smith")
    await page.get_by_label("Date of birth").fill("1950s")
    await page.get_by_label("Postcode or district").fill("M5")
    await page.get_by_label("Postcode or district").press("Enter")
    await page.wait_for_selector("text=Why they matched")
    row = page.locator("tbody tr").first
    assert "Margaret Smith" in await row.inner_text() or "Peggy Smith" in await row.inner_text()
    why = await row.locator(".govuk-tag").all_inner_texts()
    assert "surname" in why
    assert "born in the 1950s" in why
    await page.screenshot(path=str(SHOTS / "search.png"), full_page=True)

    await row.get_by_role("link").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_selector("h2:has-text('Services and the records behind this person')")
    explanations = await page.locator(".hub-explanation").all_inner_texts()
    assert len(explanations) == 3
    assert any("compared with" in text for text in explanations)
    assert await page.locator(".moj-identity-bar").count() == 1
    assert await page.locator(".moj-timeline__item").count() == 3
    await page.screenshot(path=str(SHOTS / "citizen.png"), full_page=True)
    await page.close()


async def test_a_supervisor_decides_a_review_task(served: Served, browser: object) -> None:
    page = await browser.new_page(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    await page.goto(served.link(Role.SUPERVISOR, "s.jones", name="Sam Jones"))
    assert page.url.endswith("/reviews")
    await page.get_by_role("button", name="Take the next task").click()
    await page.wait_for_selector("h1:has-text('Are these the same person?')")
    assert await page.locator("table.hub-compare tbody tr").count() == 6
    await page.screenshot(path=str(SHOTS / "review.png"), full_page=True)
    await page.get_by_label("Different people").check()
    await page.get_by_label("Reason (kept with the decision)").fill(
        "Father and son: different dates of birth"
    )
    await page.get_by_role("button", name="Record decision").click()
    await page.wait_for_selector("text=Decision recorded")
    assert await page.locator("text=Nothing is waiting").count() == 1
    await page.close()


async def test_a_protected_address_is_withheld_on_the_agents_page(served: Served, browser: object) -> None:
    page = await browser.new_page()  # type: ignore[attr-defined]
    await page.goto(served.link(Role.AGENT, "a.khan", line="housing"))
    await page.get_by_label("Name").fill("Jane Doe")
    await page.get_by_role("button", name="Search").click()
    await page.locator("tbody tr").first.get_by_role("link").click()
    await page.wait_for_selector("text=Protected address")
    text = await page.locator("body").inner_text()
    assert "Refuge" not in text
    assert "M20" not in text
    assert "Withheld" in text
    await page.close()


async def test_a_resident_sees_their_account(served: Served, browser: object) -> None:
    page = await browser.new_page()  # type: ignore[attr-defined]
    resident = served.seeded.citizen_of("council_tax/CT1")
    await page.goto(served.link(Role.CITIZEN, resident))
    assert page.url.endswith("/my-account")
    text = await page.locator("main").inner_text()
    assert "Council Tax" in text
    assert "Benefits" in text
    assert "Housing" in text
    await page.screenshot(path=str(SHOTS / "my-account.png"), full_page=True)
    await page.close()
