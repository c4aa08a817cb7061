import pytest

from .factories import ExchangeFactory


@pytest.fixture
def exchange(lab_a, developer_a):
    return ExchangeFactory(lab=lab_a, created_by=developer_a, title_en="Mobility session Berlin")
