import pytest


@pytest.fixture(scope="session")
def _live_server_media_url():
    """Work-around (same as tests/portal): with `MEDIA_URL = None` Django's live server media
    handler parses None into bytes and every request fails; give it a path while it starts."""
    from django.conf import settings

    original = settings.MEDIA_URL
    settings.MEDIA_URL = "/_no_media/"
    yield lambda: setattr(settings, "MEDIA_URL", original)
    settings.MEDIA_URL = original


@pytest.fixture(scope="session")
def live_server(_live_server_media_url, live_server):
    _live_server_media_url()  # the handler has read it; the rest of the session sees None
    return live_server
