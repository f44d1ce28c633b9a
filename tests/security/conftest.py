import pytest


@pytest.fixture(autouse=True)
def _fast_hasher(settings):
    # The matrix builds a world with seven logins per case; PBKDF2 would dominate the run time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
