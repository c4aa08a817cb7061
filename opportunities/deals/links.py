"""Signed deal-confirmation links: one per confirmation round, valid 14 days; a new round voids the older ones."""

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext as _

from creativelabs.tokens import LinkError

from ..models import Deal

DEAL_CONFIRMATION_MAX_AGE = 14 * 24 * 3600  # the link in the e-mail works for 14 days
_CONFIRMATION_SALT = "opportunities.deal-confirmation"


def deal_confirmation_token(deal: Deal) -> str:
    """A signed link token for the deal's current confirmation round."""
    return signing.dumps({"deal": deal.pk, "round": deal.confirmation_round}, salt=_CONFIRMATION_SALT)


def read_confirmation_token(token: str) -> tuple[int, int]:
    """The (deal id, confirmation round) of a link; LinkError when tampered with or expired.

    Not creativelabs.tokens.read_link_token: that one binds a link to an address (by a hash), this
    one carries the round, so that sending a new link makes every older one stop working. Neither
    carries an address.
    """
    try:
        payload = signing.loads(token, salt=_CONFIRMATION_SALT, max_age=DEAL_CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkError(_("This link has expired. Ask the business developer to send you a new one.")) from None
    except signing.BadSignature:
        raise LinkError(_("This link is not valid. Check that you copied all of it.")) from None
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("deal"), int)
        or not isinstance(payload.get("round"), int)
    ):
        raise LinkError(_("This link is not valid. Check that you copied all of it."))
    return payload["deal"], payload["round"]


def check_confirmation_link(deal: Deal, confirmation_round: int) -> None:
    """LinkError unless the link is the latest one and the deal still waits for an answer."""
    if deal.state == Deal.State.CONFIRMED:
        raise LinkError(_("This deal has already been confirmed. Thank you."))
    if deal.state == Deal.State.DISPUTED:
        raise LinkError(
            _("This deal has been disputed. The business developer will correct it and send you a new link.")
        )
    if confirmation_round != deal.confirmation_round:
        raise LinkError(_("A newer link has been sent for this deal. Use the link in the latest e-mail."))


def deal_confirmation_path(deal: Deal) -> str:
    """The company's own way to the confirmation page of an awaiting deal, besides the e-mailed link."""
    return reverse("opportunities:deal_confirm", kwargs={"token": deal_confirmation_token(deal)})


def deal_confirmation_url(deal: Deal) -> str:
    return settings.SITE_URL + deal_confirmation_path(deal)
