import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from exchanges.models import Exchange, Registration
from exchanges.services import ExchangeError, registration_cancel, registration_create, registration_decide
from opportunities.models import Notification
from tests.conftest import requires_postgres
from tests.factories import CompanyFactory, MembershipFactory, UserFactory

from .factories import ExchangeFactory

pytestmark = pytest.mark.django_db


def _member():
    return MembershipFactory(company=CompanyFactory(), user=UserFactory()).user


def _register(user, exchange, people=None, motivation="We design safe routes."):
    return registration_create(user=user, exchange=exchange, participants=people or [user], motivation=motivation)


def test_a_company_member_registers_the_company_with_colleagues(exchange, sme_owner, sme_colleague):
    result = _register(sme_owner, exchange, people=[sme_owner, sme_colleague])
    registration = result.registration
    assert registration.state == Registration.State.CONFIRMED
    assert registration.company == sme_owner.membership.company
    assert registration.seats == 2
    assert set(Notification.objects.filter(kind="exchange_registered").values_list("user", flat=True)) == {
        sme_owner.pk,
        sme_colleague.pk,
    }


def test_double_registration_is_refused_and_the_same_one_again_changes_nothing(exchange, sme_owner, sme_colleague):
    first = _register(sme_owner, exchange)
    again = _register(sme_owner, exchange)
    assert again.registration == first.registration and not again.is_new
    with pytest.raises(ExchangeError, match="already registered"):
        _register(sme_colleague, exchange, motivation="Another motivation.")
    assert Registration.objects.count() == 1


def test_registration_past_the_deadline_is_refused(lab_a, sme_owner):
    exchange = ExchangeFactory(lab=lab_a, registration_deadline=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ExchangeError, match="closed"):
        _register(sme_owner, exchange)
    assert not Registration.objects.exists()


def test_over_capacity_goes_to_the_waiting_list_and_moves_up_on_cancel(lab_a, sme_owner):
    exchange = ExchangeFactory(lab=lab_a, capacity=1)
    first = _register(sme_owner, exchange).registration
    other = _member()
    waiting = _register(other, exchange).registration
    assert waiting.state == Registration.State.WAITING
    registration_cancel(registration=first)
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.CONFIRMED
    assert Notification.objects.filter(user=other, kind="exchange_moved_up").count() == 1


def test_approval_required_holds_the_place_until_decided(lab_a, developer_a, sme_owner):
    exchange = ExchangeFactory(lab=lab_a, requires_approval=True, capacity=1)
    registration = _register(sme_owner, exchange).registration
    assert registration.state == Registration.State.PENDING
    waiting = _register(_member(), exchange).registration
    assert waiting.state == Registration.State.WAITING
    registration_decide(user=developer_a, registration=registration, approve=False)
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.PENDING  # moved up, and now waits for approval in turn
    registration_decide(user=developer_a, registration=waiting, approve=True)
    waiting.refresh_from_db()
    assert waiting.state == Registration.State.CONFIRMED


def test_only_company_members_may_register_for_a_companies_exchange(exchange, plain_user):
    with pytest.raises(ExchangeError, match="not open to you"):
        _register(plain_user, exchange)
    exchange.audience = Exchange.Audience.ANYONE
    exchange.save()
    assert _register(plain_user, exchange).registration.company is None


def test_a_draft_takes_no_registrations(lab_a, sme_owner):
    exchange = ExchangeFactory(lab=lab_a, status=Exchange.Status.DRAFT)
    with pytest.raises(ExchangeError):
        _register(sme_owner, exchange)


@requires_postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keeps the seeded countries for later tests
def test_two_registrations_at_once_for_the_last_place_give_one_place_and_one_waiting(lab_a):
    exchange = ExchangeFactory(lab=lab_a, capacity=1)
    people = [_member(), _member()]
    barrier = threading.Barrier(2)
    errors = []

    def run(user):
        try:
            barrier.wait()
            _register(user, exchange)
        except Exception as exc:  # noqa: BLE001 - any failure in a thread is reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    states = sorted(Registration.objects.filter(exchange=exchange).values_list("state", flat=True))
    assert states == [Registration.State.CONFIRMED, Registration.State.WAITING]
