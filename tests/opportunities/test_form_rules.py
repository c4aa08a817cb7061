"""The opportunity form's rules people meet: the fee within its bounds (in the browser and on the server,
one sentence), an expected start after the deadline and never in the past. Each refusal is a field error,
and the page keeps what was typed."""

import datetime

import pytest
from django.utils import timezone

from opportunities.models import Opportunity
from tests.opportunities.test_views import form_data

pytestmark = pytest.mark.django_db


def days(n: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=n)).isoformat()


def refused(client, lab, field: str, **overrides):
    response = client.post("/opportunities/new/", form_data(lab, **overrides))
    assert response.status_code == 200
    assert not Opportunity.objects.exists()
    form = response.context["form"]
    assert field in form.errors
    page = response.content.decode()
    assert 'value="Healthy school playgrounds"' in page  # what was typed stays
    return form.errors[field][0], page


def test_the_fee_field_carries_its_bounds_to_the_browser(login, developer_a):
    page = login(developer_a).get("/opportunities/new/").content.decode()
    assert 'name="fee_percentage"' in page
    assert 'min="0"' in page and 'max="25"' in page and 'step="0.01"' in page


@pytest.mark.parametrize("fee", ["-5", "150", "26", "7.555", "abc"])
def test_a_fee_out_of_bounds_gets_one_human_sentence(login, developer_a, lab_a, fee):
    error, page = refused(login(developer_a), lab_a, "fee_percentage", fee_percentage=fee)
    assert error.startswith("Enter a percentage from 0 to 25")
    assert "digits before the decimal point" not in page
    assert f'value="{fee}"' in page


def test_an_expected_start_before_the_deadline_is_refused(login, developer_a, lab_a):
    error, page = refused(login(developer_a), lab_a, "expected_start", deadline=days(21), expected_start=days(10))
    assert "after the deadline" in error
    assert f'value="{days(10)}"' in page


def test_an_expected_start_in_the_past_is_refused(login, developer_a, lab_a):
    error, _page = refused(login(developer_a), lab_a, "expected_start", expected_start=days(-3))
    assert "past" in error


def test_a_past_deadline_is_refused(login, developer_a, lab_a):
    error, _page = refused(login(developer_a), lab_a, "deadline", deadline=days(-1))
    assert "past" in error


def test_a_start_after_the_deadline_is_accepted(login, developer_a, lab_a):
    response = login(developer_a).post("/opportunities/new/", form_data(lab_a, expected_start=days(40)))
    assert response.status_code == 302
    assert Opportunity.objects.get().expected_start == timezone.localdate() + datetime.timedelta(days=40)
