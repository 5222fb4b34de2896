"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live_server.

Use: `def test_x(live_server, page): page.goto(live_server.url + "/")` and mark the module
`pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]`.
`login(page, live_server, user)` logs a persona in; `axe_violations(page)` runs axe-core.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

# live_server runs in a thread; the test's ORM calls happen in Playwright's sync loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser) -> Iterator:
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def login(page, live_server, user, password: str = "demo-pass-123") -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    page.click("button[type=submit].primary")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def axe_violations(page) -> list[dict]:
    """Serious and critical axe-core violations of the current page."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page)
    return [v for v in result.response["violations"] if v.get("impact") in ("serious", "critical")]


# The two screens every journey is walked on: a desktop and a phone (390×844, touch).
DEVICES = {
    "desktop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True},
}
TOUCH = 44  # px: the smallest touch target


@pytest.fixture(params=list(DEVICES))
def device(request, browser) -> Iterator:
    """A page on a desktop and, in a second run, on a phone; `page.device` names which."""
    context = browser.new_context(locale="zh-CN", **DEVICES[request.param])
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.device = request.param
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.missing = missing  # every 404 the walk met (a favicon included)
    yield page
    context.close()


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in violations]


def small_targets(page, selector: str) -> list[tuple[str, float]]:
    """Visible controls matching `selector` shorter than a touch target: (text, height)."""
    return page.evaluate(
        """([selector, minimum]) => Array.from(document.querySelectorAll(selector))
            .filter(el => el.offsetParent !== null)
            .map(el => [el.textContent.trim().slice(0, 30), el.getBoundingClientRect().height])
            .filter(([, h]) => h > 0 && h < minimum)""",
        [selector, TOUCH],
    )


def open_menu(page) -> None:
    """On a phone the header's links are behind the menu button; on a desktop they show."""
    if page.device == "phone" and not page.locator(".nav-menu").evaluate("d => d.open"):
        page.click(".nav-menu > summary")
