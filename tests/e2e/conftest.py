import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _live_server_media_url():
    """Work-around (as in tests/portal, tests/tickets, tests/dashboards): with
    `MEDIA_URL = None` Django's live server media handler parses None into bytes and every
    request fails; give it a path while the server starts (files are served through views)."""
    from django.conf import settings

    original = settings.MEDIA_URL
    settings.MEDIA_URL = "/_no_media/"
    yield lambda: setattr(settings, "MEDIA_URL", original)
    settings.MEDIA_URL = original


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    _live_server_media_url()  # the handler has read it; the rest of the session sees None
    return live_server
