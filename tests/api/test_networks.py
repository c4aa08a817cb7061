"""The theme networks in the API: the list and its filters, one network with members and requests, and none
of the people or contacts behind them."""

import pytest

from networks.models import Answer, Network

pytestmark = pytest.mark.django_db


def test_the_list_filters_by_country_theme_and_archived(api, network_de, network_cn):
    names = lambda **params: [n["name"] for n in api.get("/api/v1/networks", **params).json()["results"]]  # noqa: E731
    assert names() == ["Elderly care NL–CN", "Mobility NL–DE"]
    assert names(country="de") == ["Mobility NL–DE"]
    assert names(theme="elderly-care") == ["Elderly care NL–CN"]
    network_cn.status = Network.Status.ARCHIVED
    network_cn.save()
    assert names() == ["Mobility NL–DE"]
    assert names(archived="true") == ["Elderly care NL–CN", "Mobility NL–DE"]
    assert api.get("/api/v1/networks", country="Germany").status_code == 422


def test_one_network_with_its_members_who_helped_whom_and_no_contacts(api, network_de, answer_de, sme_owner):
    answer_de.state = Answer.State.ACCEPTED
    answer_de.save()
    response = api.get(f"/api/v1/networks/{network_de.slug}")
    assert response.status_code == 200
    body = response.json()
    assert body["help_accepted"] == 1
    members = {m["name"]: m for m in body["members"]}
    assert members["Hanze Healthy Ageing"]["helped"] == 1 and members["Studio Fietsveilig"]["was_helped"] == 1
    assert {m["kind"] for m in body["members"]} == {"company", "organisation", "lab"}
    assert [r["title"] for r in body["requests"]] == ["A local production partner for bike racks"]
    text = response.content.decode()
    for private in (sme_owner.email, answer_de.contact, answer_de.message, answer_de.request.contact):
        assert private not in text
    assert api.get("/api/v1/networks/no-such-network").status_code == 404
