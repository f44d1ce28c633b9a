"""Shared fixtures and the rules that skip tests whose service is missing, saying why."""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.db import connection

from tests import factories

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
SCREENSHOTS = settings.BASE_DIR / "screenshots"


def _redis_reachable() -> bool:
    url = os.environ.get("CELERY_BROKER_URL", "")
    if not url.startswith("redis://"):
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_collection_modifyitems(config, items):
    is_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    has_redis = _redis_reachable()
    has_chromium = shutil.which(CHROMIUM) is not None or os.path.exists(CHROMIUM)
    for item in items:
        if "postgres" in item.keywords and not is_postgres:
            item.add_marker(pytest.mark.skip(reason="needs DATABASE_URL pointing at PostgreSQL"))
        if "redis" in item.keywords and not has_redis:
            item.add_marker(
                pytest.mark.skip(reason="needs CELERY_BROKER_URL=redis://… with Redis running")
            )
        if "browser" in item.keywords and not has_chromium:
            item.add_marker(pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM}"))


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(
        (marker and marker.kwargs.get("transaction"))
        or {"transactional_db", "live_server"} & set(request.fixturenames)
    )


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests flush the database after each test, taking the data migration's
    catalogue (states, priorities, default queue, the customer administrators group) with it.
    Ours all use `serialized_rollback=True` (it must be all or none: a plain flush re-creates
    content types that a later serialized restore inserts again); this puts the catalogue
    back, idempotently, for any transactional test that does not."""
    if not _is_transactional(request):
        return
    request.getfixturevalue("transactional_db")
    from importlib import import_module

    from django.apps import apps

    import_module("tickets.migrations.0002_default_catalogue").install(apps, None)
    from customers.services import customer_admin_group_ensure

    customer_admin_group_ensure()


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # The manifest storage needs collectstatic; tests render templates without it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Run tasks in-process even when CELERY_BROKER_URL is set (CI); worker tests opt out."""
    from helpdesk.celery import app

    old = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = old


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashing costs about a second per user on a busy 2-core machine.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def queue(db):
    return factories.QueueFactory()


@pytest.fixture
def agent(db, queue):
    """An agent in a team that grants `queue`."""
    user = factories.AgentFactory()
    factories.TeamFactory(members=[user], queues=[queue])
    return user


@pytest.fixture
def admin_user(db):
    return factories.AdminFactory()


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


@pytest.fixture
def customer(db):
    return factories.CustomerFactory()


@pytest.fixture
def portal_user(db, customer):
    return factories.PortalUserFactory(customer=customer)


@pytest.fixture
def portal_client(client, portal_user):
    client.force_login(portal_user.user)
    return client


@pytest.fixture
def query_count():
    """Number of queries a callable runs (for comparing two data sizes)."""
    from django.test.utils import CaptureQueriesContext

    def run(fn):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return len(ctx.captured_queries)

    return run


# --- browser ----------------------------------------------------------------------------------

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def _playwright_browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_playwright_browser, live_server):
    """A fresh browser page; `page.base_url` is the live server's address."""
    context = _playwright_browser.new_context(viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    pg = context.new_page()
    pg.base_url = live_server.url
    yield pg
    context.close()


@pytest.fixture
def screenshot(page):
    """`screenshot("name")` saves a full-page PNG under screenshots/ (git-ignored)."""
    SCREENSHOTS.mkdir(exist_ok=True)

    def shot(name: str, target=None):
        (target or page).screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return shot


def login_in_browser(page, url_name: str, username: str, password: str = factories.PASSWORD):
    from django.urls import reverse

    page.goto(page.base_url + reverse(url_name))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def pick_in_browser(page, field_id: str, query: str, option: str) -> None:
    """Type `query` into the picker of the field with id `field_id` (helpdesk/pickers.py) and
    choose the result whose text holds `option`."""
    control = page.locator(f"#{field_id}-ts-control")
    control.click()
    control.press_sequentially(query, delay=30)
    page.locator(f"#{field_id}-ts-dropdown .option", has_text=option).click()
