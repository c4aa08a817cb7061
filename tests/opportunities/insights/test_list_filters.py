"""Filters the dashboard's links need on the lists behind its figures: a status on the opportunity list
(programme staff), country, theme, discipline and dates on the deal overview."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LIST = reverse("opportunities:list")
DEALS = reverse("opportunities:deal_overview")


def listed(response):
    return {opportunity.pk for opportunity in response.context["page"].object_list}


def test_staff_choose_a_status_among_what_they_may_see(client, login, programme, developer_a, embassy_de):
    assert listed(login(developer_a).get(LIST, {"status": "draft"})) == {programme.o3.pk}
    assert listed(login(developer_a).get(LIST, {"status": "closed_won"})) == {programme.o5.pk}
    # Embassy staff see no other person's draft here either (`visible_opportunities`).
    assert listed(login(embassy_de).get(LIST, {"status": "draft"})) == set()


def test_the_list_stays_published_for_everybody_else(client, login, programme, sme_owner):
    published = {programme.o1.pk, programme.o2.pk, programme.o4.pk}
    assert listed(client.get(LIST)) == published
    assert listed(client.get(LIST, {"status": "draft"})) == published
    assert "status" not in login(sme_owner).get(LIST).context["filter"].form.fields


def test_staff_without_a_status_see_the_published_list(login, programme, admin_user):
    assert listed(login(admin_user).get(LIST)) == {programme.o1.pk, programme.o2.pk, programme.o4.pk}
    response = login(admin_user).get(LIST, {"status": "nonsense"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["status"]


def deals(response):
    return {deal.pk for deal in response.context["deals"]}


def test_deal_overview_by_country_theme_discipline_and_dates(login, programme, admin_user):
    client = login(admin_user)
    both = {programme.d1.pk, programme.d4.pk}
    assert deals(client.get(DEALS)) == both
    assert deals(client.get(DEALS, {"country": "CN"})) == {programme.d4.pk}
    assert deals(client.get(DEALS, {"theme": "mobility"})) == both
    assert deals(client.get(DEALS, {"theme": "elderly-care"})) == set()
    assert deals(client.get(DEALS, {"discipline": "serious-games"})) == {programme.d1.pk}
    today = programme.d1.closed_on
    assert deals(client.get(DEALS, {"closed_from": today.isoformat(), "closed_to": today.isoformat()})) == both
    assert deals(client.get(DEALS, {"closed_to": (today - datetime.timedelta(days=1)).isoformat()})) == set()


def test_deal_overview_countries_are_those_of_the_viewers_labs(login, programme, developer_a):
    response = login(developer_a).get(DEALS, {"country": "CN"})
    assert response.context["form"].errors["country"]
    assert [c.code for c in response.context["form"].fields["country"].queryset] == ["DE"]
