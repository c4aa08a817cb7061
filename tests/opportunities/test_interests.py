"""The Lab's decisions on suggestions, and companies expressing interest: who may, what is recorded, bad input."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from companies.models import Discipline, PortfolioItem, Visibility
from labs.models import Theme
from opportunities.interests import selectors as interest_selectors
from opportunities.interests import services as interests
from opportunities.models import Interest, Notification, Status, Suggestion, SuggestionAction
from opportunities.suggestions.full import recompute_full
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .factories import InterestFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

FEE_NOTE = "Introduction to the city and local follow-up."


@pytest.fixture
def opportunity(lab_a, developer_a, colleague_a):
    """Here the opportunity states its fee terms (7.50 % and a note) and has Lab A's colleague as its
    contact; it stands in for the plainer shared one (tests/conftest.py)."""
    return OpportunityFactory(
        lab=lab_a,
        created_by=developer_a,
        status=Status.PUBLISHED,
        title="Safe cycling to school",
        fee_percentage=Decimal("7.50"),
        fee_note=FEE_NOTE,
        contacts=[colleague_a.business_developer],
    )


def suggest(opportunity, company, rank=1, score=0.6):
    return Suggestion.objects.create(
        opportunity=opportunity,
        company=company,
        score=score,
        rank_for_opportunity=rank,
        parts=[],
        engine_version="1",
        computed_at=timezone.now(),
    )


@pytest.fixture
def suggestion(opportunity, company):
    return suggest(opportunity, company)


@pytest.fixture
def own_item(company):
    return PortfolioItem.objects.create(company=company, title="Safe Cycling Quest", description="A game.")


@pytest.fixture
def private_item(company):
    return PortfolioItem.objects.create(
        company=company, title="Unreleased prototype", description="Secret.", visibility=Visibility.PRIVATE
    )


@pytest.fixture
def foreign_item(outsider_sme):
    return PortfolioItem.objects.create(
        company=outsider_sme.membership.company, title="Their work", description="Not yours."
    )


def decide(client, suggestion, action, note=""):
    return client.post(f"/suggestions/{suggestion.pk}/{action}/", {"note": note})


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


# --- Decisions on suggestions --------------------------------------------------------------------------------


def test_every_decision_is_recorded_with_who_when_and_note(login, developer_a, suggestion):
    client = login(developer_a)
    assert decide(client, suggestion, "shortlist").status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.SHORTLISTED
    assert suggestion.decided_by == developer_a and suggestion.decided_at is not None

    decide(client, suggestion, "dismiss", "No experience with children.")
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.DISMISSED
    assert suggestion.decision_note == "No experience with children."

    page = client.get(suggestion.opportunity.get_absolute_url()).content.decode()
    assert 'id="dismissed"' in page and "Restore" in page  # shown apart, ready to restore
    assert "No experience with children." in page

    decide(client, suggestion, "clear")
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.NONE and suggestion.decision_note == ""
    history = list(SuggestionAction.objects.filter(suggestion=suggestion).values_list("action", "actor", "note"))
    assert history == [
        ("shortlisted", developer_a.pk, ""),
        ("dismissed", developer_a.pk, "No experience with children."),
        ("cleared", developer_a.pk, ""),
    ]
    page = client.get(suggestion.opportunity.get_absolute_url()).content.decode()
    assert "History (3 steps)" in page and "Decision undone by" in page


def test_invite_tells_the_company_members_with_the_note_and_the_link(
    login, developer_a, suggestion, sme_owner, sme_colleague, django_capture_on_commit_callbacks
):
    client = login(developer_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, suggestion, "invite", "Your cycling game is exactly what Berlin needs.")
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.INVITED
    told = Notification.objects.filter(kind="suggestion_invited_note")
    assert {n.user for n in told} == {sme_owner, sme_colleague}
    assert "exactly what Berlin needs" in told[0].message
    assert sorted(m.to[0] for m in mail.outbox) == ["colleague@studio.example", "owner@studio.example"]
    body = mail.outbox[0].body
    assert suggestion.opportunity.get_absolute_url() in body and "exactly what Berlin needs" in body

    # The company sees the invitation on the opportunity page, with the note and the button.
    page = login(sme_owner).get(suggestion.opportunity.get_absolute_url()).content.decode()
    assert "invited your company" in page and "exactly what Berlin needs" in page
    assert f"/opportunities/{suggestion.opportunity.pk}/interest/" in page


def test_inviting_twice_or_after_the_deadline_or_after_an_expression_is_refused(
    login, developer_a, suggestion, opportunity, company
):
    client = login(developer_a)
    decide(client, suggestion, "invite")
    response = decide(client, suggestion, "invite")
    assert "already marked" in " ".join(messages_of(client.get(response.url)))
    assert Notification.objects.filter(kind="suggestion_invited").count() == 0  # nobody to tell: no members

    decide(client, suggestion, "clear")
    Opportunity = type(opportunity)
    Opportunity.objects.filter(pk=opportunity.pk).update(deadline=timezone.localdate() - datetime.timedelta(days=1))
    response = decide(client, suggestion, "invite")
    assert "only while the opportunity is published and open" in " ".join(messages_of(client.get(response.url)))

    Opportunity.objects.filter(pk=opportunity.pk).update(deadline=timezone.localdate() + datetime.timedelta(days=9))
    InterestFactory(opportunity=opportunity, company=company)
    response = decide(client, suggestion, "invite")
    assert "has already expressed interest" in " ".join(messages_of(client.get(response.url)))
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.NONE


def test_a_note_that_is_too_long_is_refused_and_nothing_changes(login, developer_a, suggestion):
    client = login(developer_a)
    response = decide(client, suggestion, "dismiss", "x" * 501)
    assert "at most 500 characters" in " ".join(messages_of(client.get(response.url)))
    suggestion.refresh_from_db()
    assert suggestion.decision == "" and not suggestion.actions.exists()


def test_embassy_staff_see_the_suggestions_but_leave_decisions_to_the_lab(login, embassy_de, suggestion):
    client = login(embassy_de)
    page = client.get(suggestion.opportunity.get_absolute_url()).content.decode()
    assert suggestion.company.name in page
    assert "suggestion-actions" not in page and "Add a company the engine did not suggest" not in page
    assert decide(client, suggestion, "shortlist").status_code == 403
    assert client.get(f"/opportunities/{suggestion.opportunity.pk}/suggestions/add/").status_code == 403


def test_another_labs_developer_gets_404(login, developer_b, suggestion):
    client = login(developer_b)
    assert decide(client, suggestion, "shortlist").status_code == 404
    assert client.get(f"/opportunities/{suggestion.opportunity.pk}/suggestions/add/").status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.decision == ""


def test_an_admin_may_decide(login, admin_user, suggestion):
    decide(login(admin_user), suggestion, "shortlist")
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.SHORTLISTED and suggestion.decided_by == admin_user


# --- Adding a company by hand ---------------------------------------------------------------------------------


def test_adding_a_company_by_hand_shortlists_it_as_manual(login, developer_a, opportunity):
    games = CompanyFactory(name="Quest Games", description="Serious games that teach children to cycle safely.")
    games.disciplines.set(Discipline.objects.filter(slug="serious-games"))
    CompanyFactory(name="Quiet Studio", open_to_matching=False)
    client = login(developer_a)
    page = client.get(f"/opportunities/{opportunity.pk}/suggestions/add/", {"q": "qu"}).content.decode()
    assert "Quest Games" in page and "Quiet Studio" not in page  # who opted out isn't offered

    response = client.post(
        f"/opportunities/{opportunity.pk}/suggestions/add/", {"company": games.pk, "note": "Met them at DDW."}
    )
    added = Suggestion.objects.get(opportunity=opportunity, company=games)
    assert response.status_code == 302 and response.url == f"/opportunities/{opportunity.pk}/#suggestion-{added.pk}"
    assert added.source == Suggestion.Source.MANUAL and added.decision == Suggestion.Decision.SHORTLISTED
    assert added.rank_for_opportunity is None and added.decided_by == developer_a
    assert added.score > 0 and {part["name"] for part in added.parts} >= {"required"}  # scored by the engine
    assert list(added.actions.values_list("action", "note")) == [("added", "Met them at DDW.")]
    page = client.get(opportunity.get_absolute_url()).content.decode()
    assert "Quest Games" in page and "Added by hand" in page
    # Once on the list, it isn't offered again.
    again = client.get(f"/opportunities/{opportunity.pk}/suggestions/add/", {"q": "quest"})
    assert again.context["companies"] == []


def test_adding_by_hand_is_refused_for_companies_that_opted_out_or_are_listed_already(
    login, developer_a, opportunity, suggestion
):
    hidden = CompanyFactory(name="Quiet Studio", open_to_matching=False)
    client = login(developer_a)
    response = client.post(f"/opportunities/{opportunity.pk}/suggestions/add/", {"company": hidden.pk})
    assert response.status_code == 400
    assert "open to match suggestions" in " ".join(messages_of(response))
    assert not Suggestion.objects.filter(company=hidden).exists()

    decide(client, suggestion, "shortlist")
    response = client.post(f"/opportunities/{opportunity.pk}/suggestions/add/", {"company": suggestion.company.pk})
    assert response.status_code == 400 and "already on the list" in " ".join(messages_of(response))

    response = client.post(f"/opportunities/{opportunity.pk}/suggestions/add/", {"company": "not-a-number"})
    assert response.status_code == 400


def test_adding_a_dismissed_engine_suggestion_by_hand_shortlists_it(login, developer_a, opportunity, suggestion):
    client = login(developer_a)
    decide(client, suggestion, "dismiss")
    client.post(f"/opportunities/{opportunity.pk}/suggestions/add/", {"company": suggestion.company.pk})
    suggestion.refresh_from_db()
    assert suggestion.decision == Suggestion.Decision.SHORTLISTED
    assert suggestion.source == Suggestion.Source.ENGINE  # the engine found it first; the record says so


# --- Decisions survive recomputes -------------------------------------------------------------------------------


def test_decisions_and_their_history_survive_a_full_recompute(developer_a, lab_a):
    opportunity = OpportunityFactory(
        lab=lab_a,
        status=Status.PUBLISHED,
        title="Cycling safety for children",
        brief="A serious game that teaches children to cycle safely to school.",
        required_disciplines=list(Discipline.objects.filter(slug="serious-games")),
    )
    opportunity.themes.set(Theme.objects.filter(slug="mobility"))
    quest = CompanyFactory(name="Quest Games", description="Serious games about cycling safety for children.")
    quest.disciplines.set(Discipline.objects.filter(slug="serious-games"))
    quest.themes.set(Theme.objects.filter(slug="mobility"))
    cyclists = CompanyFactory(name="Cycle Play", description="Games about cycling and traffic for children.")
    cyclists.disciplines.set(Discipline.objects.filter(slug="serious-games"))
    branding = CompanyFactory(name="Glow Branding", description="Skin-care branding for an anti-ageing range.")
    branding.disciplines.set(Discipline.objects.filter(slug="branding"))
    assert recompute_full() > 0

    ranked = Suggestion.objects.get(opportunity=opportunity, company=quest)
    interests.suggestion_decide(suggestion=ranked, user=developer_a, action="invite", note="Come and talk.")
    dismissed = Suggestion.objects.get(opportunity=opportunity, company=cyclists)
    interests.suggestion_decide(suggestion=dismissed, user=developer_a, action="dismiss", note="Too small.")
    manual = interests.suggestion_add_manually(opportunity=opportunity, company=branding, user=developer_a)

    recompute_full()
    recompute_full()  # twice: still the same

    after = {s.company_id: s for s in Suggestion.objects.filter(opportunity=opportunity)}
    assert after[quest.pk].decision == Suggestion.Decision.INVITED and after[quest.pk].decision_note == "Come and talk."
    assert after[quest.pk].rank_for_opportunity is not None
    assert after[cyclists.pk].decision == Suggestion.Decision.DISMISSED
    assert after[branding.pk].decision == Suggestion.Decision.SHORTLISTED
    assert after[branding.pk].source == Suggestion.Source.MANUAL and after[branding.pk].pk == manual.pk
    assert SuggestionAction.objects.filter(suggestion__opportunity=opportunity).count() == 3


# --- Expressing interest ----------------------------------------------------------------------------------------


def form(opportunity, user, **overrides):
    data = {
        "motivation": "We built Safe Cycling Quest for 40 Dutch schools.",
        "contact": user.pk,
        "contact_phone": "+31 20 123 4567",
        "accept_fee": "on",
        "fee_percentage": str(opportunity.fee_percentage),
        "fee_digest": interest_selectors.fee_note_digest(opportunity),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def express(client, opportunity, data):
    return client.post(f"/opportunities/{opportunity.pk}/interest/", data)


def test_a_member_expresses_interest_accepting_the_fee_terms_as_they_are(
    login,
    sme_owner,
    sme_colleague,
    developer_a,
    colleague_a,
    developer_b,
    opportunity,
    own_item,
    private_item,
    django_capture_on_commit_callbacks,
):
    client = login(sme_owner)
    page = client.get(f"/opportunities/{opportunity.pk}/interest/").content.decode()
    assert "7.50%" in page and FEE_NOTE in page  # the terms, right by the checkbox
    assert "Unreleased prototype" in page and "private: the Lab sees it" in page

    data = form(opportunity, sme_owner, contact=sme_colleague.pk, portfolio_items=[own_item.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = express(client, opportunity, data)
    interest = Interest.objects.get()
    assert response.status_code == 302 and response.url == f"/interests/{interest.pk}/"
    assert interest.company == sme_owner.membership.company and interest.submitted_by == sme_owner
    assert interest.contact == sme_colleague and interest.contact_phone == "+31 20 123 4567"
    assert list(interest.portfolio_items.all()) == [own_item]
    assert interest.accepted_fee_percentage == Decimal("7.50") and interest.accepted_fee_note == FEE_NOTE
    assert interest.state == Interest.State.SUBMITTED
    assert interest.reply_due - interest.fee_accepted_at == datetime.timedelta(days=7)
    # The Lab's developers and the opportunity's contacts are told; nobody else.
    assert {n.user for n in Notification.objects.filter(kind="interest_new")} == {developer_a, colleague_a}
    assert sorted(m.to[0] for m in mail.outbox) == ["bd@lab-a.example", "colleague@lab-a.example"]
    # The suggestion decisions are the Lab's: an expression creates or changes none.
    assert not Suggestion.objects.exists()

    # Later changes to the opportunity's terms leave the accepted ones as they were.
    opportunity.fee_percentage, opportunity.fee_note = Decimal("12"), "More"
    opportunity.save()
    interest.refresh_from_db()
    assert interest.accepted_fee_percentage == Decimal("7.50") and interest.accepted_fee_note == FEE_NOTE
    page = client.get(f"/interests/{interest.pk}/").content.decode()
    assert "7.50%" in page and FEE_NOTE in page


def test_without_accepting_the_fee_terms_nothing_is_saved(login, sme_owner, opportunity):
    client = login(sme_owner)
    response = express(client, opportunity, form(opportunity, sme_owner, accept_fee=None))
    assert response.status_code == 400
    assert "Accept the fee terms to express interest." in response.content.decode()
    assert "We built Safe Cycling Quest" in response.content.decode()  # what was typed is kept
    assert not Interest.objects.exists()


def test_changed_fee_terms_are_shown_and_must_be_accepted_again(login, sme_owner, opportunity):
    client = login(sme_owner)
    seen = form(opportunity, sme_owner)
    opportunity.fee_percentage = Decimal("10")
    opportunity.save()
    response = express(client, opportunity, seen)
    page = response.content.decode()
    assert response.status_code == 400 and "fee terms of this opportunity have changed" in page
    assert "10%" in page and 'value="10.00"' in page  # the new terms, and the form now carries them
    assert 'name="accept_fee" required id="id_accept_fee" checked' not in page
    assert not Interest.objects.exists()

    # A changed note counts as changed terms too.
    seen = form(opportunity, sme_owner)
    opportunity.fee_note = "Now also the contract negotiation."
    opportunity.save()
    assert express(client, opportunity, seen).status_code == 400
    assert not Interest.objects.exists()

    assert express(client, opportunity, form(opportunity, sme_owner)).status_code == 302
    assert Interest.objects.get().accepted_fee_note == "Now also the contract negotiation."


def test_a_dutch_reader_reads_and_accepts_the_fee_note_in_dutch(login, sme_owner, opportunity):
    """The note in Dutch beside the English one: a Dutch page shows it, both are accepted as they stand,
    and a change to the Dutch one alone means the terms must be accepted again."""
    dutch = "Introductie bij de stad en lokale opvolging."
    client = login(sme_owner)
    seen = form(opportunity, sme_owner)
    opportunity.fee_note_nl = dutch
    opportunity.save()
    assert express(client, opportunity, seen).status_code == 400  # the Dutch text changed the terms
    assert not Interest.objects.exists()

    client.cookies["django_language"] = "nl"
    page = client.get(f"/opportunities/{opportunity.pk}/interest/").content.decode()
    assert dutch in page and FEE_NOTE not in page
    assert express(client, opportunity, form(opportunity, sme_owner)).status_code == 302
    interest = Interest.objects.get()
    assert (interest.accepted_fee_note, interest.accepted_fee_note_nl) == (FEE_NOTE, dutch)
    assert dutch in client.get(f"/interests/{interest.pk}/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get(f"/interests/{interest.pk}/").content.decode()
    assert FEE_NOTE in page and dutch not in page


def test_portfolio_items_of_another_company_are_refused(login, sme_owner, opportunity, own_item, foreign_item):
    response = express(
        login(sme_owner), opportunity, form(opportunity, sme_owner, portfolio_items=[own_item.pk, foreign_item.pk])
    )
    assert response.status_code == 400
    assert "Choose only portfolio items of your own company." in response.content.decode()
    assert not Interest.objects.exists()


def test_the_service_refuses_foreign_items_too(sme_owner, opportunity, foreign_item):
    with pytest.raises(interests.InterestError, match="own company"):
        submit(opportunity, sme_owner, portfolio_items=[foreign_item])


def test_a_contact_from_another_company_or_a_bad_phone_is_refused(login, sme_owner, outsider_sme, opportunity):
    client = login(sme_owner)
    response = express(client, opportunity, form(opportunity, sme_owner, contact=outsider_sme.pk))
    assert response.status_code == 400 and "must be a member of your company" in response.content.decode()
    response = express(client, opportunity, form(opportunity, sme_owner, contact_phone="call me maybe"))
    assert response.status_code == 400 and "phone number" in response.content.decode()
    response = express(client, opportunity, form(opportunity, sme_owner, motivation="x" * 2001))
    assert response.status_code == 400 and "at most 2000 characters" in response.content.decode()
    response = express(client, opportunity, form(opportunity, sme_owner, motivation="   "))
    assert response.status_code == 400 and "why your company fits" in response.content.decode()
    response = express(client, opportunity, form(opportunity, sme_owner, fee_percentage="lots"))
    assert response.status_code == 400
    assert not Interest.objects.exists()


def test_one_expression_per_company_and_a_second_attempt_gets_a_clear_message(
    login, sme_owner, sme_colleague, opportunity
):
    assert express(login(sme_owner), opportunity, form(opportunity, sme_owner)).status_code == 302
    client = login(sme_colleague)
    response = express(client, opportunity, form(opportunity, sme_colleague))
    interest = Interest.objects.get()
    assert response.status_code == 302 and response.url == f"/interests/{interest.pk}/"
    assert "already expressed interest" in " ".join(messages_of(client.get(response.url)))
    # The service itself refuses too (two submissions at once end here, not in an IntegrityError).
    with pytest.raises(interests.InterestError, match="already expressed interest"):
        submit(opportunity, sme_colleague)
    assert Interest.objects.count() == 1


def submit(opportunity, user, **overrides):
    arguments = {
        "opportunity": opportunity,
        "company": user.membership.company,
        "user": user,
        "motivation": "We fit.",
        "portfolio_items": [],
        "contact": user,
        "fee_accepted": True,
        "seen_fee_percentage": opportunity.fee_percentage,
        "seen_fee_digest": interest_selectors.fee_note_digest(opportunity),
    }
    arguments.update(overrides)
    return interests.interest_submit(**arguments)


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.EXPIRED, Status.CLOSED_WON])
def test_unpublished_opportunities_are_refused(login, sme_owner, opportunity, status):
    type(opportunity).objects.filter(pk=opportunity.pk).update(status=status)
    opportunity.refresh_from_db()
    assert express(login(sme_owner), opportunity, form(opportunity, sme_owner)).status_code == 404  # not visible
    with pytest.raises(interests.InterestError, match="not open for expressions"):
        submit(opportunity, sme_owner)
    assert not Interest.objects.exists()


def test_a_published_opportunity_past_its_deadline_is_refused(login, sme_owner, opportunity):
    type(opportunity).objects.filter(pk=opportunity.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    opportunity.refresh_from_db()
    client = login(sme_owner)
    for response in (client.get(f"/opportunities/{opportunity.pk}/interest/"), express(client, opportunity, {})):
        assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert "closed for expressions of interest" in " ".join(messages_of(client.get(opportunity.get_absolute_url())))
    with pytest.raises(interests.InterestError, match="deadline"):
        submit(opportunity, sme_owner)
    assert not Interest.objects.exists()


def test_staff_cannot_express_interest(client, login, developer_a, embassy_de, admin_user, opportunity):
    for user in (developer_a, embassy_de, admin_user):
        assert express(login(user), opportunity, form(opportunity, user)).status_code == 403
    client.logout()
    assert client.get(f"/opportunities/{opportunity.pk}/interest/").status_code == 302


# --- Withdrawing and submitting again ---------------------------------------------------------------------------


def test_withdraw_before_the_deadline_and_submit_again_in_the_same_row(
    login, sme_owner, developer_a, opportunity, django_capture_on_commit_callbacks
):
    client = login(sme_owner)
    express(client, opportunity, form(opportunity, sme_owner))
    interest = Interest.objects.get()
    first_due = interest.reply_due
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"/interests/{interest.pk}/withdraw/").status_code == 302
    interest.refresh_from_db()
    assert interest.state == Interest.State.WITHDRAWN and interest.withdrawn_at is not None
    assert Notification.objects.filter(kind="interest_withdrawn", user=developer_a).exists()
    response = client.post(f"/interests/{interest.pk}/withdraw/")
    assert "already been withdrawn" in " ".join(messages_of(client.get(response.url)))

    page = client.get(f"/opportunities/{opportunity.pk}/interest/").content.decode()
    assert "withdrew its earlier expression" in page and "We built Safe Cycling Quest" in page
    opportunity.fee_percentage = Decimal("9")
    opportunity.save()
    later = timezone.now() + datetime.timedelta(hours=2)
    import time_machine

    with time_machine.travel(later, tick=False):
        response = express(client, opportunity, form(opportunity, sme_owner, motivation="Still keen."))
    assert response.status_code == 302
    again = Interest.objects.get()
    assert again.pk == interest.pk and again.state == Interest.State.SUBMITTED and again.withdrawn_at is None
    assert again.motivation == "Still keen." and again.accepted_fee_percentage == Decimal("9")
    assert again.reply_due > first_due and again.fee_accepted_at == later


def test_withdrawing_after_the_deadline_is_refused(login, sme_owner, opportunity, company):
    interest = InterestFactory(opportunity=opportunity, company=company)
    type(opportunity).objects.filter(pk=opportunity.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    client = login(sme_owner)
    response = client.post(f"/interests/{interest.pk}/withdraw/")
    assert "deadline has passed" in " ".join(messages_of(client.get(response.url)))
    interest.refresh_from_db()
    assert interest.state == Interest.State.SUBMITTED


def test_withdrawing_another_companys_expression_is_404(login, outsider_sme, opportunity, company):
    interest = InterestFactory(opportunity=opportunity, company=company)
    assert login(outsider_sme).post(f"/interests/{interest.pk}/withdraw/").status_code == 404
    interest.refresh_from_db()
    assert interest.state == Interest.State.SUBMITTED


# --- Who sees an expression -------------------------------------------------------------------------------------


def test_interest_detail_is_for_the_company_and_the_labs_side(
    client, login, sme_owner, sme_colleague, outsider_sme, developer_a, developer_b, embassy_de, embassy_cn, company
):
    interest = InterestFactory(opportunity__lab=developer_a.business_developer.lab, company=company, contact=sme_owner)
    url = f"/interests/{interest.pk}/"
    for user in (sme_owner, sme_colleague, developer_a, embassy_de):
        assert login(user).get(url).status_code == 200, user
    for user in (outsider_sme, developer_b, embassy_cn):
        assert login(user).get(url).status_code == 404, user
    client.logout()
    assert client.get(url).status_code == 302
    # The Lab sees the company's contact person; only the Lab may answer.
    page = login(developer_a).get(url).content.decode()
    assert "owner@studio.example" in page and 'name="reply"' in page
    assert f"/interests/{interest.pk}/introduce/" in page
    page = login(embassy_de).get(url).content.decode()
    assert 'name="reply"' not in page
    page = login(sme_owner).get(url).content.decode()
    assert 'name="reply"' not in page and "Withdraw" in page


def test_a_foreign_company_member_cannot_express_for_another_company_through_the_service(
    outsider_sme, opportunity, company
):
    with pytest.raises(interests.PermissionDenied):
        submit(opportunity, outsider_sme, company=company)


def test_members_of_other_companies_are_not_told(
    login, sme_owner, outsider_sme, opportunity, django_capture_on_commit_callbacks
):
    MembershipFactory(
        company=sme_owner.membership.company, user=UserFactory(email="gone@studio.example", is_active=False)
    )
    with django_capture_on_commit_callbacks(execute=True):
        interests.suggestion_decide(
            suggestion=suggest(opportunity, sme_owner.membership.company),
            user=opportunity.created_by,
            action="invite",
        )
    assert [m.to for m in mail.outbox] == [["owner@studio.example"]]
