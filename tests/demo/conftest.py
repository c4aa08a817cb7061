import pytest


@pytest.fixture(autouse=True)
def _media_in_tmp(media_in_tmp):
    """Seeded placeholder images of every test here go to the test's own folder."""
    return media_in_tmp
