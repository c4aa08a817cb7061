"""Theme networks: curating, joining, requests for help in both directions, who helped whom."""

import pytest
from django.core import mail

from labs.models import Theme
from networks.models import Answer, HelpRequest, Membership, Network, RequestSuggestion
from opportunities.models import Notification

pytestmark = pytest.mark.django_db

LONG = "x" * 10_000


def _network_form(**overrides):
    return {
        "name": "Elderly care NL–DE",
        "theme": Theme.objects.get(slug="elderly-care").pk,
        "countries": ["DE"],
        "description_en": "Care homes, universities and designers.",
        **overrides,
    }


def test_embassy_staff_create_a_network_of_their_own_country(login, embassy_de):
    client = login(embassy_de)
    response = client.post("/networks/new/", _network_form())
    network = Network.objects.get(name="Elderly care NL–DE")
    assert response["Location"] == f"/networks/{network.slug}/"
    assert network.created_by == embassy_de
    assert list(network.countries.values_list("code", flat=True)) == ["DE"]
    # Another country only: refused at the field, what was typed kept.
    response = client.post("/networks/new/", _network_form(name="Care NL–CN", countries=["CN"]))
    assert response.status_code == 200
    assert "Include your own country" in str(response.context["form"].errors["countries"])
    assert "Care NL–CN" in response.content.decode()


def test_a_10000_character_description_is_a_field_error_and_nothing_is_lost(login, embassy_de):
    response = login(embassy_de).post("/networks/new/", _network_form(description_en=LONG))
    assert response.status_code == 200
    assert "description_en" in response.context["form"].errors
    assert LONG in response.content.decode()
    assert not Network.objects.exists()


def test_the_same_name_twice_is_an_error_on_the_name(login, embassy_de, network_de):
    response = login(embassy_de).post("/networks/new/", _network_form(name=network_de.name))
    assert "exists already" in str(response.context["form"].errors["name"])


def test_the_list_filters_by_theme_and_country(client, network_de, network_cn):
    names = lambda response: [n.name for n in response.context["page"]]  # noqa: E731
    assert names(client.get("/networks/")) == ["Elderly care NL–CN", "Mobility NL–DE"]
    assert names(client.get("/networks/", {"country": "CN"})) == ["Elderly care NL–CN"]
    assert names(client.get("/networks/", {"theme": "mobility"})) == ["Mobility NL–DE"]
    assert client.get("/networks/", {"theme": "no-such-theme"}).status_code == 200


def test_an_owner_asks_to_join_and_the_curator_accepts(login, outsider_sme, embassy_de, network_de):
    client = login(outsider_sme)
    client.post(f"/networks/{network_de.slug}/join/", {"motivation": "We design bike racks."})
    membership = network_de.memberships.get(company=outsider_sme.membership.company)
    assert membership.state == Membership.State.PENDING
    assert Notification.objects.filter(user=embassy_de, kind="network_join_asked").exists()
    # Asking again while pending changes nothing and says why.
    response = client.post(f"/networks/{network_de.slug}/join/", {"motivation": "Again."})
    assert "asked already" in response.content.decode()
    staff = login(embassy_de)
    # A decline needs a reason.
    staff.post(f"/networks/memberships/{membership.pk}/decide/", {"decision": "decline"})
    membership.refresh_from_db()
    assert membership.state == Membership.State.PENDING
    staff.post(f"/networks/memberships/{membership.pk}/decide/", {"decision": "accept"})
    membership.refresh_from_db()
    assert membership.state == Membership.State.ACCEPTED
    assert Notification.objects.filter(user=outsider_sme, kind="network_joined").exists()


def test_a_company_member_who_is_not_the_owner_may_not_ask(login, sme_colleague, network_cn):
    assert login(sme_colleague).get(f"/networks/{network_cn.slug}/join/").status_code == 403


def test_joining_an_archived_network_is_a_field_error_that_keeps_the_text(login, org_member, network_cn):
    network_cn.status = Network.Status.ARCHIVED
    network_cn.save()
    response = login(org_member).post(f"/networks/{network_cn.slug}/join/", {"motivation": "Ageing well."})
    assert response.status_code == 200
    assert "archived" in str(response.context["form"].errors["motivation"])
    assert "Ageing well." in response.content.decode()
    assert not network_cn.memberships.exists()


def test_a_declined_member_sees_why_and_may_ask_again(login, org_member, embassy_cn, network_cn):
    login(org_member).post(f"/networks/{network_cn.slug}/join/", {"motivation": "Ageing."})
    membership = network_cn.memberships.get()
    login(embassy_cn).post(
        f"/networks/memberships/{membership.pk}/decide/", {"decision": "decline", "reason": "Chinese partners only."}
    )
    client = login(org_member)
    assert "Chinese partners only." in client.get(f"/networks/{network_cn.slug}/").content.decode()
    client.post(f"/networks/{network_cn.slug}/join/", {"motivation": "We have a partner in Shanghai."})
    membership.refresh_from_db()
    assert membership.state == Membership.State.PENDING


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Help", "body": "   ", "contact": "a@b.example"}, "body"),
        ({"title": "Help", "body": LONG, "contact": "a@b.example"}, "body"),
        ({"title": "", "body": "Something", "contact": "a@b.example"}, "title"),
    ],
)
def test_a_bad_request_is_a_field_error_and_nothing_typed_is_lost(login, org_member, network_de, data, field):
    response = login(org_member).post(f"/networks/{network_de.slug}/requests/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert data["contact"] in response.content.decode()
    if data["body"].strip():
        assert data["body"] in response.content.decode()
    assert not HelpRequest.objects.exists()


def test_only_members_post_requests(login, outsider_sme, embassy_de, network_de):
    assert login(outsider_sme).get(f"/networks/{network_de.slug}/requests/new/").status_code == 403
    # The curator's post is not a member until added.
    assert login(embassy_de).get(f"/networks/{network_de.slug}/requests/new/").status_code == 403


def test_answering_ones_own_request_is_a_field_error(login, sme_owner, help_request_de):
    data = {"message": "We could do it ourselves.", "contact": "x@y.example"}
    response = login(sme_owner).post(f"/networks/requests/{help_request_de.pk}/answer/", data)
    assert response.status_code == 200
    assert "your own request" in str(response.context["answer_form"].errors["message"])
    assert "We could do it ourselves." in response.content.decode()
    assert not Answer.objects.exists()


def test_the_whole_round_contacts_revealed_on_acceptance_and_reciprocity_moves(
    login, org_member, sme_owner, developer_a, network_de, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    org = login(org_member)
    with django_capture_on_commit_callbacks(execute=True):
        org.post(
            f"/networks/{network_de.slug}/requests/new/",
            {
                "title": "Dutch examples of car-free school streets",
                "body": "For Köln's pilot.",
                "contact": "+31 50 123",
            },
        )
    help_request = HelpRequest.objects.get()
    # The other members are told, in the app and by e-mail.
    told = set(Notification.objects.filter(kind="network_request").values_list("user__email", flat=True))
    assert told == {sme_owner.email, developer_a.email}
    assert {m.to[0] for m in mail.outbox} >= told
    owner = login(sme_owner)
    owner.post(
        f"/networks/requests/{help_request.pk}/answer/",
        {"message": "We built two in Utrecht.", "contact": "owner@studio.example"},
    )
    answer = Answer.objects.get()
    # Before acceptance neither contact is shown to the other.
    assert "owner@studio.example" not in login(org_member).get(help_request.get_absolute_url()).content.decode()
    assert "+31 50 123" not in login(sme_owner).get(help_request.get_absolute_url()).content.decode()
    # The requester accepts: each sees the other's contact.
    login(org_member).post(f"/networks/answers/{answer.pk}/accept/")
    assert "owner@studio.example" in login(org_member).get(help_request.get_absolute_url()).content.decode()
    assert "+31 50 123" in login(sme_owner).get(help_request.get_absolute_url()).content.decode()
    login(org_member).post(f"/networks/requests/{help_request.pk}/close/")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    # Who helped whom: on the network page, by direction, and on the company's profile.
    page = login(sme_owner).get(network_de.get_absolute_url())
    assert page.context["reciprocity"].helped == 1
    assert ("NL → NL", 1) in page.context["reciprocity"].directions
    profile = login(sme_owner).get(sme_owner.membership.company.get_absolute_url()).content.decode()
    assert "helped 1 · was helped 0" in profile


def test_help_from_a_focus_country_towards_the_netherlands_is_counted_so(
    login, org_member, other_organisation, network_de
):
    from networks.selectors import help_flows
    from tests.factories import OrganisationMemberFactory, UserFactory

    koeln = Membership.objects.create(
        network=network_de, organisation=other_organisation, state=Membership.State.ACCEPTED
    )
    koeln_user = OrganisationMemberFactory(organisation=other_organisation, user=UserFactory()).user
    login(org_member).post(
        f"/networks/{network_de.slug}/requests/new/",
        {"title": "A German care home to test with", "body": "Six weeks.", "contact": "member@hanze.example"},
    )
    help_request = HelpRequest.objects.get()
    login(koeln_user).post(
        f"/networks/requests/{help_request.pk}/answer/", {"message": "Ours.", "contact": "pflege@koeln.example"}
    )
    login(org_member).post(f"/networks/answers/{Answer.objects.get(membership=koeln).pk}/accept/")
    assert help_flows() == {"to_nl": 1}
    page = login(org_member).get(network_de.get_absolute_url())
    assert ("DE → NL", 1) in page.context["reciprocity"].directions


def test_contact_details_of_members_only_to_members_and_curators(client, login, network_de, sme_owner, outsider_sme):
    assert sme_owner.email not in client.get(network_de.get_absolute_url()).content.decode()
    assert sme_owner.email not in login(outsider_sme).get(network_de.get_absolute_url()).content.decode()
    assert sme_owner.email in login(sme_owner).get(network_de.get_absolute_url()).content.decode()


def test_the_engine_suggests_the_member_that_fits_the_request(
    login, org_member, sme_owner, network_de, company, django_capture_on_commit_callbacks
):
    company.description = "We design bicycle parking and bike racks for schools."
    company.pitch = "Bike racks and safe cycling for schools."
    company.save()
    with django_capture_on_commit_callbacks(execute=True):
        login(org_member).post(
            f"/networks/{network_de.slug}/requests/new/",
            {
                "title": "Bike racks for school streets",
                "body": "Dutch designs of bike racks for schools.",
                "contact": "m",
            },
        )
    help_request = HelpRequest.objects.get()
    suggestion = RequestSuggestion.objects.get(request=help_request)
    assert suggestion.membership.company == company
    assert suggestion.score > 0 and any(part["name"] == "text" for part in suggestion.parts)
    # The company sees the request among those that fit it, explained.
    page = login(sme_owner).get("/networks/for-you/")
    assert [s.request for s in page.context["suggested"]] == [help_request]
    # Once it has answered, it is no longer suggested to it.
    login(sme_owner).post(f"/networks/requests/{help_request.pk}/answer/", {"message": "Yes.", "contact": "o"})
    assert list(login(sme_owner).get("/networks/for-you/").context["suggested"]) == []


def test_the_programme_dashboard_counts_the_help_in_the_viewers_networks(
    login, embassy_de, embassy_cn, network_de, network_cn, answer_de
):
    from networks.selectors import help_per_network

    answer_de.state = Answer.State.ACCEPTED
    answer_de.save()
    rows = {row["network"].name: row for row in help_per_network(embassy_de)}
    assert list(rows) == ["Mobility NL–DE"]
    assert rows["Mobility NL–DE"]["members"] == 3 and rows["Mobility NL–DE"]["open"] == 1
    assert [row["network"].name for row in help_per_network(embassy_cn)] == ["Elderly care NL–CN"]
    page = login(embassy_de).get("/insights/", {"period": "all"}).content.decode()
    assert "Help in the theme networks" in page and "Mobility NL–DE" in page


def test_the_engine_finds_an_organisation_the_open_opportunities_that_fit_it(client, organisation, opportunity):
    from labs.models import Theme
    from networks.matching import suggest_for_organisations
    from networks.models import OrganisationSuggestion

    opportunity.summary = "Games that teach children to cycle safely to school."
    opportunity.save()
    opportunity.themes.add(Theme.objects.get(slug="mobility"))
    organisation.description_en = "Research on children cycling safely to school, and games that teach it."
    organisation.save()
    organisation.themes.add(Theme.objects.get(slug="mobility"))
    assert suggest_for_organisations() >= 1
    suggestion = OrganisationSuggestion.objects.get(organisation=organisation)
    assert suggestion.opportunity == opportunity and suggestion.score > 0
    assert {part["name"] for part in suggestion.parts if part["value"] > 0} >= {"text", "themes"}
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Open opportunities that fit" in page and opportunity.title in page
    # Run again: the same rows, not twice.
    suggest_for_organisations()
    assert OrganisationSuggestion.objects.filter(organisation=organisation).count() == 1


def test_the_engine_finds_an_organisation_the_networks_that_fit_it_and_not_those_it_is_in(
    client, organisation, network_cn, network_de
):
    from labs.models import Theme
    from networks.matching import suggest_for_organisations
    from networks.models import NetworkSuggestion

    organisation.description_en = "Care homes and dementia research; we test care technology with residents."
    organisation.save()
    organisation.themes.add(Theme.objects.get(slug="elderly-care"))
    network_cn.description_en = "Care homes, dementia research and care technology in China and the Netherlands."
    network_cn.save()
    suggest_for_organisations()
    # It is a member of network_de already: only the Chinese care network is suggested.
    [suggestion] = NetworkSuggestion.objects.filter(organisation=organisation)
    assert suggestion.network == network_cn and suggestion.score > 0
    assert {p["name"] for p in suggestion.parts if p["value"] > 0} >= {"text", "themes"}
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "Networks that fit" in page and network_cn.name in page
    # Run again: the same rows, not twice.
    suggest_for_organisations()
    assert NetworkSuggestion.objects.filter(organisation=organisation).count() == 1
