"""Fixtures the opportunity tests share: a second business developer of Lab A, and eager tasks that retry."""

import pytest

from tests.factories import BusinessDeveloperFactory, UserFactory


@pytest.fixture
def colleague_a(lab_a):
    """A second business developer of Lab A (named as a contact where a test needs one)."""
    return BusinessDeveloperFactory(lab=lab_a, user=UserFactory(email="colleague@lab-a.example")).user


@pytest.fixture
def eager_retries():
    """Eager tasks that raise propagate at once (the test settings); a worker would retry them instead."""
    from creativelabs.celery import app

    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = True
