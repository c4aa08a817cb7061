import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Logins in these tests need no slow hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
