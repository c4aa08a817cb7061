"""The demo's theme networks: three, with members on both sides, requests both ways, some answered."""

import pytest

from demo.companies import seed_companies
from demo.labs import seed_programme
from demo.networks import seed_networks
from demo.organisations import seed_organisations
from networks.models import Answer, HelpRequest, Membership, Network
from networks.selectors import help_flows

pytestmark = pytest.mark.django_db


def test_the_demo_networks_have_members_requests_both_ways_and_answers():
    seed_programme()
    seed_companies()
    seed_organisations()
    assert seed_networks() == HelpRequest.objects.count() >= 5
    assert Network.objects.count() == 3
    kinds = {m.kind for m in Membership.objects.filter(state=Membership.State.ACCEPTED)}
    assert kinds == {"company", "organisation", "lab", "post"}
    assert Membership.objects.filter(state=Membership.State.PENDING).exists()
    assert {"to_nl", "from_nl"} <= set(help_flows())
    statuses = set(HelpRequest.objects.values_list("status", flat=True))
    assert statuses == {HelpRequest.Status.OPEN, HelpRequest.Status.ANSWERED}
    counts = (Membership.objects.count(), HelpRequest.objects.count(), Answer.objects.count())
    seed_networks()
    assert (Membership.objects.count(), HelpRequest.objects.count(), Answer.objects.count()) == counts
