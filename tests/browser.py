"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser).

Tests marked ``browser`` get a ``page`` opened on the live test server. Without
``/usr/bin/chromium`` they are skipped with the reason; ``.ci/run`` installs Chromium first.
"""

import os
from pathlib import Path

import pytest

from tests.utils import login, restore_migrated_data

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SKIP_REASON = f"Chromium de Debian absent ({CHROMIUM}) : apt-get install chromium"


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(SKIP_REASON)
    # Playwright's sync API runs an event loop in this thread; the tests' own ORM calls are
    # still synchronous, so Django's guard against ORM calls inside a loop does not apply.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keeps each phase's report on the test item, so that ``page`` knows whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _describe_failure(page) -> None:
    """Prints where the browser was when a test failed (its URL and the text of the page): the
    report shows it under « Captured stdout teardown », which a CI log keeps."""
    try:
        text = page.locator("body").inner_text(timeout=2_000)
    except Exception as error:  # the page may be closed or gone: say so rather than hide the test's failure
        text = f"(contenu illisible : {error.__class__.__name__})"
    print(f"Page au moment de l'échec : {page.url}\n{text[:3000]}")


@pytest.fixture
def page(request, browser, live_server, transactional_db):
    """A fresh browser page (French locale) whose relative URLs point at the live server.

    Browser tests are transactional, and an earlier transactional test's flush may have deleted
    what the data migrations created (Wagtail's root page, the barèmes): it is put back first.
    Every test also fails if the browser reports that the Content-Security-Policy blocked
    something (an inline script or style, a third-party resource) on any page it opened.
    """
    restore_migrated_data()
    context = browser.new_context(base_url=live_server.url, locale="fr-FR")
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = []
    page.on("console", lambda message: _keep_csp_violation(message, page.url, violations))
    yield page
    if getattr(request.node, "report_call", None) is not None and request.node.report_call.failed:
        _describe_failure(page)
    context.close()
    if violations:
        pytest.fail("La politique de sécurité du contenu a bloqué : " + " | ".join(violations), pytrace=False)


def _keep_csp_violation(message, url, violations):
    """Chromium reports what the Content-Security-Policy blocks as console errors."""
    if message.type == "error" and "Content Security Policy" in message.text:
        violations.append(f"{url} : {message.text[:300]}")


@pytest.fixture
def sign_in(page, live_server, client):
    """``sign_in(user, membership=None)``: signs ``user`` in the browser, second factor included."""

    def _sign_in(user, membership=None):
        login(client, user, membership)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])
        return page

    return _sign_in
