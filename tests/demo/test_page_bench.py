"""bench_opportunity_list at a tiny size: it creates its synthetic opportunities, times the list, and cleans up."""

from io import StringIO

import pytest
from django.core.management import call_command

from opportunities.models import Opportunity

pytestmark = pytest.mark.django_db


def _bench(**options) -> str:
    out = StringIO()
    call_command("bench_opportunity_list", allow_production=True, stdout=out, **options)
    return out.getvalue()


def test_the_page_bench_creates_its_data_once_times_every_scenario_and_cleans_up():
    first = _bench(count=20, runs=1, warmup=0)
    assert "Created 20 [bench] published opportunities" in first
    assert first.count("/opportunities/") >= 8
    assert "Slowest median" in first
    titles = list(Opportunity.objects.order_by("pk").values_list("title", flat=True))
    assert len(titles) == 20 and all(title.startswith("[bench] ") for title in titles)
    assert Opportunity.objects.filter(themes__isnull=True).count() == 0

    assert "20 [bench] published opportunities exist; creating none." in _bench(count=20, runs=1, warmup=0)

    assert "Deleted 20 [bench] opportunities" in _bench(clean=True)
    assert not Opportunity.objects.exists()
