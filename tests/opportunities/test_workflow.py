"""The review workflow at service level: who may take which step from which status, history, visibility, expiry.

The views call `opportunity_transition` and the selectors; what is checked here holds for every page.
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from labs.models import Theme
from opportunities.models import Notification, Opportunity, OpportunityEvent, Status
from opportunities.permissions import is_author, may_take
from opportunities.permissions import may_review as can_review
from opportunities.selectors import editable_opportunities, reviewable_opportunities, visible_opportunities
from opportunities.workflow.services import (
    TRANSITIONS,
    WorkflowError,
    available_transitions,
    opportunity_create,
    opportunity_expire,
    opportunity_transition,
    opportunity_update,
)
from opportunities.workflow.tasks import expire_and_remind
from tests.factories import BusinessDeveloperFactory

from .factories import OpportunityFactory

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = datetime.datetime(2030, 3, 11, 10, 0, tzinfo=AMSTERDAM)
TODAY = NOW.date()
DAY = datetime.timedelta(days=1)

# The workflow as the issue describes it; the service's table must say the same.
SPEC = {
    "submit": ("submitted", {"draft"}, "submitted", "author", False),
    "send_back": ("sent_back", {"submitted"}, "draft", "reviewer", True),
    "reject": ("rejected", {"submitted"}, "rejected", "reviewer", True),
    "publish": ("published", {"submitted"}, "published", "reviewer", False),
    "publish_directly": ("published", {"draft"}, "published", "trusted_author", False),
    "close_won": ("closed", {"published", "expired"}, "closed_won", "author", False),
    "close_not_won": ("closed", {"published", "expired"}, "closed_not_won", "author", False),
    "withdraw": ("withdrawn", {"draft", "submitted", "published"}, "withdrawn", "author", False),
}

# The people around a draft of Lab A (Germany) created by developer_a.
ROLES = ["developer_a", "developer_b", "embassy_de", "embassy_cn", "admin_user", "sme_owner"]


def allowed_roles(who: str, trusted: bool) -> set[str]:
    if who == "author":
        return {"developer_a", "admin_user"}
    if who == "reviewer":
        return {"embassy_de", "admin_user"}
    assert who == "trusted_author"
    return {"developer_a", "admin_user"} if trusted else set()


TRANSITION_SOURCES = [(name, source) for name, transition in TRANSITIONS.items() for source in transition.sources]
WRONG_SOURCES = [
    (name, status)
    for name, transition in TRANSITIONS.items()
    for status in Status.values
    if status not in transition.sources
]


def reason_for(name: str) -> str:
    if name == "close_won":  # no deal is recorded for these opportunities: how it was won outside the portal
        return "  The client hired the studio directly after our matchmaking day.  "
    return "  Please add the budget and the client's name.  " if TRANSITIONS[name].needs_reason else ""


def snapshot(opportunity: Opportunity) -> tuple:
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    return (
        opportunity.status,
        opportunity.submitted_at,
        opportunity.published_at,
        opportunity.updated_at,
        OpportunityEvent.objects.filter(opportunity=opportunity).count(),
        Notification.objects.count(),
    )


@pytest.fixture
def draft_of_lab_a(lab_a, developer_a):
    return OpportunityFactory(lab=lab_a, created_by=developer_a)


def test_the_transitions_table_is_the_documented_workflow():
    table = {name: (t.action, set(t.sources), t.target, t.who, t.needs_reason) for name, t in TRANSITIONS.items()}
    assert table == SPEC


@pytest.mark.parametrize("trusted", [False, True], ids=["untrusted-lab", "trusted-lab"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "source"), TRANSITION_SOURCES)
def test_every_transition_from_every_source_by_every_role(
    request, django_capture_on_commit_callbacks, lab_a, developer_a, name, source, role, trusted
):
    lab_a.is_trusted = trusted
    lab_a.save()
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=source)
    user = request.getfixturevalue(role)
    transition = TRANSITIONS[name]
    before = snapshot(opportunity)

    if role in allowed_roles(transition.who, trusted):
        assert may_take(user, opportunity, TRANSITIONS[name])
        assert name in [step for step, _label, _reason in available_transitions(user, opportunity)]
        with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
            result = opportunity_transition(opportunity=opportunity, user=user, name=name, note=reason_for(name))
        opportunity.refresh_from_db()
        assert result.status == opportunity.status == transition.target
        event = opportunity.events.get()
        assert event.actor == user
        assert event.action == transition.action
        assert (event.from_status, event.to_status) == (source, transition.target)
        assert event.note == reason_for(name).strip()
        assert event.created_at == NOW
        if transition.target == Status.SUBMITTED:
            assert opportunity.submitted_at == NOW
        if transition.target == Status.PUBLISHED:
            assert opportunity.published_at == NOW
    else:
        assert not may_take(user, opportunity, TRANSITIONS[name])
        assert name not in [step for step, _label, _reason in available_transitions(user, opportunity)]
        with pytest.raises(PermissionDenied), django_capture_on_commit_callbacks(execute=True) as callbacks:
            opportunity_transition(opportunity=opportunity, user=user, name=name, note=reason_for(name))
        assert callbacks == []
        assert snapshot(opportunity) == before


@pytest.mark.parametrize(("name", "status"), WRONG_SOURCES)
@pytest.mark.parametrize("actor", ["rightful", "admin_user"])
def test_a_step_from_the_wrong_status_is_a_workflow_error(request, lab_a, developer_a, name, status, actor):
    lab_a.is_trusted = True
    lab_a.save()
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=status)
    if actor == "rightful":
        actor = "embassy_de" if TRANSITIONS[name].who == "reviewer" else "developer_a"
    user = request.getfixturevalue(actor)
    before = snapshot(opportunity)

    assert not may_take(user, opportunity, TRANSITIONS[name])
    with pytest.raises(WorkflowError, match="not possible now"):
        opportunity_transition(opportunity=opportunity, user=user, name=name, note="A reason.")
    assert snapshot(opportunity) == before


@pytest.mark.parametrize("name", [name for name, t in TRANSITIONS.items() if t.needs_reason])
@pytest.mark.parametrize("note", ["", "   \n\t "])
def test_sending_back_or_rejecting_needs_a_reason(embassy_de, lab_a, developer_a, name, note):
    assert name in {"send_back", "reject"}
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.SUBMITTED)
    before = snapshot(opportunity)
    with pytest.raises(WorkflowError, match="reason"):
        opportunity_transition(opportunity=opportunity, user=embassy_de, name=name, note=note)
    assert snapshot(opportunity) == before


def test_an_unknown_step_is_a_workflow_error(draft_of_lab_a, admin_user):
    with pytest.raises(WorkflowError):
        opportunity_transition(opportunity=draft_of_lab_a, user=admin_user, name="delete")
    assert snapshot(draft_of_lab_a)[0] == Status.DRAFT


def test_an_optional_note_is_kept_in_the_history(draft_of_lab_a, developer_a):
    opportunity_transition(opportunity=draft_of_lab_a, user=developer_a, name="withdraw", note=" Client cancelled. ")
    assert draft_of_lab_a.events.get().note == "Client cancelled."


def test_the_transition_reads_the_current_status_not_a_stale_copy(draft_of_lab_a, developer_a, embassy_de):
    stale = Opportunity.objects.get(pk=draft_of_lab_a.pk)
    opportunity_transition(opportunity=draft_of_lab_a, user=developer_a, name="withdraw")
    assert stale.status == Status.DRAFT
    with pytest.raises(WorkflowError):
        opportunity_transition(opportunity=stale, user=developer_a, name="submit")
    assert Opportunity.objects.get(pk=stale.pk).status == Status.WITHDRAWN


def test_the_whole_story_is_recorded_in_order(django_capture_on_commit_callbacks, lab_a, developer_a, embassy_de):
    with django_capture_on_commit_callbacks(execute=True):
        opportunity = opportunity_create(
            user=developer_a,
            data={
                "lab": lab_a,
                "country": lab_a.country,
                "title": "Healthy school playgrounds",
                "summary": "Playgrounds that get children moving.",
                "brief": "A district wants playground designs.",
                "city": "Berlin",
                "deadline": timezone.localdate() + 21 * DAY,
                "fee_percentage": "7.50",
            },
            m2m={"themes": [Theme.objects.get(slug="health-obesity")]},
        )
        steps = [
            (developer_a, "submit", ""),
            (embassy_de, "send_back", "Name the district."),
            (developer_a, "submit", ""),
            (embassy_de, "publish", ""),
            (developer_a, "close_won", "Studio Fietsveilig got it."),
        ]
        for user, name, note in steps:
            opportunity = opportunity_transition(opportunity=opportunity, user=user, name=name, note=note)

    history = [(e.actor, e.action, e.from_status, e.to_status, e.note) for e in opportunity.events.all()]
    assert history == [
        (developer_a, "created", "", "draft", ""),
        (developer_a, "submitted", "draft", "submitted", ""),
        (embassy_de, "sent_back", "submitted", "draft", "Name the district."),
        (developer_a, "submitted", "draft", "submitted", ""),
        (embassy_de, "published", "submitted", "published", ""),
        (developer_a, "closed", "published", "closed_won", "Studio Fietsveilig got it."),
    ]
    assert list(opportunity.themes.values_list("slug", flat=True)) == ["health-obesity"]
    assert Opportunity.objects.get(pk=opportunity.pk).status == Status.CLOSED_WON


# --- Trusted Labs ------------------------------------------------------------------------------------------------


def test_a_trusted_labs_developer_may_publish_directly(lab_a, developer_a, draft_of_lab_a):
    lab_a.is_trusted = True
    lab_a.save()
    with time_machine.travel(NOW, tick=False):
        opportunity_transition(opportunity=draft_of_lab_a, user=developer_a, name="publish_directly")
    draft_of_lab_a.refresh_from_db()
    assert draft_of_lab_a.status == Status.PUBLISHED
    assert draft_of_lab_a.published_at == NOW
    event = draft_of_lab_a.events.get()
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        developer_a,
        "published",
        "draft",
        "published",
    )
    assert Opportunity.objects.published().filter(pk=draft_of_lab_a.pk).exists()


def test_an_untrusted_labs_developer_may_not_publish_directly(lab_b, developer_b):
    assert not lab_b.is_trusted
    opportunity = OpportunityFactory(lab=lab_b, created_by=developer_b)
    assert "publish_directly" not in [name for name, _label, _reason in available_transitions(developer_b, opportunity)]
    with pytest.raises(PermissionDenied):
        opportunity_transition(opportunity=opportunity, user=developer_b, name="publish_directly")
    opportunity.refresh_from_db()
    assert opportunity.status == Status.DRAFT
    assert not opportunity.events.exists()


def test_trust_in_one_lab_does_not_reach_another_labs_drafts(lab_a, lab_b, developer_a):
    lab_a.is_trusted = True
    lab_a.save()
    opportunity = OpportunityFactory(lab=lab_b)
    with pytest.raises(PermissionDenied):
        opportunity_transition(opportunity=opportunity, user=developer_a, name="publish_directly")


def test_an_embassy_creator_submits_even_for_a_trusted_lab(lab_a, embassy_de):
    """Embassy staff who write a draft are its authors, but publishing without review is for the Lab."""
    lab_a.is_trusted = True
    lab_a.save()
    opportunity = OpportunityFactory(lab=lab_a, created_by=embassy_de)
    assert is_author(embassy_de, opportunity)
    assert not may_take(embassy_de, opportunity, TRANSITIONS["publish_directly"])
    with pytest.raises(PermissionDenied):
        opportunity_transition(opportunity=opportunity, user=embassy_de, name="publish_directly")
    opportunity_transition(opportunity=opportunity, user=embassy_de, name="submit")
    assert Opportunity.objects.get(pk=opportunity.pk).status == Status.SUBMITTED


# --- Editing -------------------------------------------------------------------------------------------------------


def test_editing_a_published_opportunity_keeps_it_published_and_records_the_edit(lab_a, developer_a):
    opportunity = OpportunityFactory(lab=lab_a, created_by=developer_a, status=Status.PUBLISHED)
    published_at = opportunity.published_at
    theme = Theme.objects.get(slug="mobility")

    opportunity_update(
        opportunity=opportunity, user=developer_a, data={"title": "Safer cycling to school"}, m2m={"themes": [theme]}
    )

    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    assert opportunity.status == Status.PUBLISHED
    assert opportunity.published_at == published_at
    assert opportunity.title == "Safer cycling to school"
    assert list(opportunity.themes.all()) == [theme]
    event = opportunity.events.get()
    assert (event.actor, event.action, event.from_status, event.to_status) == (
        developer_a,
        "edited",
        "published",
        "published",
    )


def test_editing_a_draft_keeps_it_a_draft(draft_of_lab_a, developer_a):
    opportunity_update(opportunity=draft_of_lab_a, user=developer_a, data={"city": "Potsdam"}, m2m={})
    opportunity = Opportunity.objects.get(pk=draft_of_lab_a.pk)
    assert (opportunity.status, opportunity.city) == (Status.DRAFT, "Potsdam")
    assert list(opportunity.events.values_list("action", "from_status", "to_status")) == [("edited", "draft", "draft")]


# --- Who sees, edits and reviews what --------------------------------------------------------------------------


@pytest.fixture
def one_of_each(lab_a, lab_b, developer_a, developer_b):
    """A draft, a submitted and a published opportunity in each of Lab A (Germany) and Lab B (China)."""
    made = {}
    for lab, creator in ((lab_a, developer_a), (lab_b, developer_b)):
        for status in (Status.DRAFT, Status.SUBMITTED, Status.PUBLISHED):
            made[(lab.slug, status)] = OpportunityFactory(lab=lab, created_by=creator, status=status)
    return made


def test_a_developer_sees_their_own_labs_drafts_but_not_another_labs(one_of_each, developer_a):
    visible = set(visible_opportunities(developer_a))
    assert one_of_each[("lab-a", Status.DRAFT)] in visible
    assert one_of_each[("lab-a", Status.SUBMITTED)] in visible
    assert one_of_each[("lab-b", Status.DRAFT)] not in visible
    assert one_of_each[("lab-b", Status.SUBMITTED)] not in visible
    assert one_of_each[("lab-b", Status.PUBLISHED)] in visible


def test_a_developer_edits_only_their_own_labs_drafts_and_published_ones(one_of_each, developer_a):
    assert set(editable_opportunities(developer_a)) == {
        one_of_each[("lab-a", Status.DRAFT)],
        one_of_each[("lab-a", Status.PUBLISHED)],
    }


def test_an_embassy_reviews_only_its_own_countrys_submissions(one_of_each, embassy_de, embassy_cn):
    german, chinese = one_of_each[("lab-a", Status.SUBMITTED)], one_of_each[("lab-b", Status.SUBMITTED)]
    assert list(reviewable_opportunities(embassy_de)) == [german]
    assert list(reviewable_opportunities(embassy_cn)) == [chinese]
    assert can_review(embassy_de, german)
    assert not can_review(embassy_de, chinese)
    assert not may_take(embassy_de, chinese, TRANSITIONS["publish"])
    with pytest.raises(PermissionDenied):
        opportunity_transition(opportunity=chinese, user=embassy_de, name="publish")
    assert Opportunity.objects.get(pk=chinese.pk).status == Status.SUBMITTED


def test_an_embassy_sees_its_countrys_submissions_but_not_the_labs_drafts(one_of_each, embassy_de):
    visible = set(visible_opportunities(embassy_de))
    assert one_of_each[("lab-a", Status.SUBMITTED)] in visible
    assert one_of_each[("lab-a", Status.DRAFT)] not in visible
    assert one_of_each[("lab-b", Status.SUBMITTED)] not in visible
    assert not set(editable_opportunities(embassy_de))


def test_an_embassy_sees_and_edits_the_drafts_it_wrote(lab_a, embassy_de):
    own = OpportunityFactory(lab=lab_a, created_by=embassy_de)
    assert own in set(visible_opportunities(embassy_de))
    assert list(editable_opportunities(embassy_de)) == [own]


def test_developers_review_nothing(one_of_each, developer_a):
    assert not reviewable_opportunities(developer_a).exists()
    assert not can_review(developer_a, one_of_each[("lab-a", Status.SUBMITTED)])


def test_an_admin_sees_and_reviews_everything(one_of_each, admin_user):
    assert set(visible_opportunities(admin_user)) == set(one_of_each.values())
    assert set(reviewable_opportunities(admin_user)) == {
        one_of_each[("lab-a", Status.SUBMITTED)],
        one_of_each[("lab-b", Status.SUBMITTED)],
    }


@pytest.mark.parametrize("who", ["sme_owner", "outsider_sme", "plain_user", "anonymous"])
def test_companies_new_users_and_visitors_see_only_published_opportunities(request, one_of_each, lab_a, who):
    for status in (Status.REJECTED, Status.WITHDRAWN, Status.EXPIRED, Status.CLOSED_WON, Status.CLOSED_NOT_WON):
        OpportunityFactory(lab=lab_a, status=status)
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert set(visible_opportunities(user)) == {
        one_of_each[("lab-a", Status.PUBLISHED)],
        one_of_each[("lab-b", Status.PUBLISHED)],
    }
    assert not editable_opportunities(user).exists()
    assert not reviewable_opportunities(user).exists()
    for opportunity in Opportunity.objects.all():
        assert not can_review(user, opportunity)
        assert not is_author(user, opportunity)
        assert available_transitions(user, opportunity) == []


def test_an_anonymous_user_cannot_take_any_step(one_of_each):
    opportunity = one_of_each[("lab-a", Status.DRAFT)]
    with pytest.raises(PermissionDenied):
        opportunity_transition(opportunity=opportunity, user=AnonymousUser(), name="submit")


def test_a_lab_developer_stops_being_an_author_when_the_role_goes(lab_a, developer_a, draft_of_lab_a):
    """Roles are read from the database, so removing one takes effect for a freshly loaded user."""
    developer_a.business_developer.delete()
    from accounts.models import User

    fresh = User.objects.get(pk=developer_a.pk)
    # created_by still makes them the author of the drafts they wrote
    assert is_author(fresh, draft_of_lab_a)
    other = OpportunityFactory(lab=lab_a, created_by=BusinessDeveloperFactory(lab=lab_a).user)
    assert not is_author(fresh, other)
    assert other not in set(visible_opportunities(fresh))


# --- Expiry --------------------------------------------------------------------------------------------------------


def published(lab, deadline, **fields):
    return OpportunityFactory(lab=lab, status=Status.PUBLISHED, deadline=deadline, **fields)


def test_the_daily_task_expires_published_opportunities_past_their_deadline(
    django_capture_on_commit_callbacks, lab_a, developer_a
):
    past = published(lab_a, TODAY - DAY, created_by=developer_a)
    long_past = published(lab_a, TODAY - 40 * DAY)
    last_day = published(lab_a, TODAY)
    future = published(lab_a, TODAY + 10 * DAY)
    others = [
        OpportunityFactory(lab=lab_a, status=status, deadline=TODAY - 5 * DAY)
        for status in (Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.WITHDRAWN, Status.CLOSED_WON)
    ]

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        result = expire_and_remind()

    assert result == {"expired": 2, "reminded": 0}
    statuses = dict(Opportunity.objects.values_list("pk", "status"))
    assert statuses[past.pk] == statuses[long_past.pk] == Status.EXPIRED
    assert statuses[last_day.pk] == statuses[future.pk] == Status.PUBLISHED
    assert [statuses[o.pk] for o in others] == [o.status for o in others]
    event = past.events.get()
    assert (event.actor, event.action, event.from_status, event.to_status, event.note) == (
        None,
        "expired",
        "published",
        "expired",
        "",
    )
    assert event.created_at == NOW
    assert OpportunityEvent.objects.count() == 2
    assert past not in set(visible_opportunities(AnonymousUser()))

    # again the same day (beat runs it every hour): nothing more happens
    with time_machine.travel(NOW + datetime.timedelta(hours=1), tick=False):
        assert expire_and_remind() == {"expired": 0, "reminded": 0}
    assert OpportunityEvent.objects.count() == 2


def test_expiry_goes_by_the_amsterdam_date_not_utc(lab_a):
    opportunity = published(lab_a, datetime.date(2030, 3, 10))
    utc = datetime.UTC
    # 23:30 UTC is 00:30 the next day in Amsterdam: the deadline has passed there.
    with time_machine.travel(datetime.datetime(2030, 3, 10, 22, 30, tzinfo=utc), tick=False):
        assert expire_and_remind()["expired"] == 0  # 23:30 in Amsterdam, still the last day
    with time_machine.travel(datetime.datetime(2030, 3, 10, 23, 30, tzinfo=utc), tick=False):
        assert expire_and_remind()["expired"] == 1
    assert Opportunity.objects.get(pk=opportunity.pk).status == Status.EXPIRED


def test_an_expired_opportunity_can_still_be_closed_by_its_author(lab_a, developer_a):
    opportunity = published(lab_a, TODAY - DAY, created_by=developer_a)
    with time_machine.travel(NOW, tick=False):
        expire_and_remind()
    with time_machine.travel(NOW + DAY, tick=False):
        opportunity_transition(opportunity=opportunity, user=developer_a, name="close_not_won", note="No takers.")
    assert list(opportunity.events.values_list("action", "to_status")) == [
        ("expired", "expired"),
        ("closed", "closed_not_won"),
    ]


def test_expire_refuses_what_is_not_due(lab_a):
    on_time = published(lab_a, TODAY)
    draft = OpportunityFactory(lab=lab_a, deadline=TODAY - DAY)
    assert opportunity_expire(opportunity=on_time, today=TODAY) is False
    assert opportunity_expire(opportunity=draft, today=TODAY) is False
    assert not OpportunityEvent.objects.exists()


def test_a_lab_opportunity_from_the_factory_is_a_valid_draft(lab_b, developer_b):
    opportunity = OpportunityFactory(lab=lab_b, created_by=developer_b)
    opportunity.full_clean()
    assert opportunity.country == lab_b.country
    assert opportunity.status == Status.DRAFT
    assert opportunity.required_disciplines.exists()
    assert opportunity.deadline == timezone.localdate() + 30 * DAY
