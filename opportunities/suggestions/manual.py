"""Suggestion rows added by hand: the one writer of a row besides the recomputes' storage (`storage`).

A business developer shortlists a company the engine did not suggest, or introduces a company that
came in without a suggestion; either way the pair gets its row here (source "manual"), and the
recomputes keep it, decided, whatever the engine thinks of the pair later.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from companies.models import Company

from ..models import Opportunity, Suggestion


def suggestion_for_pair(
    *, opportunity: Opportunity, company: Company, score: float, parts: list, engine_version: str
) -> tuple[Suggestion, bool]:
    """The pair's suggestion, locked for a decision; added by hand (source "manual") when there is none.

    The one place that writes a suggestion row besides the engine's recomputes (a company shortlisted by
    hand, a company introduced without a suggestion). Call it inside the transaction that decides.
    """
    suggestion = Suggestion.objects.select_for_update().filter(opportunity=opportunity, company=company).first()
    if suggestion is not None:
        return suggestion, False
    fields = {
        "score": min(max(score, 0.0), 1.0),
        "parts": parts,
        "engine_version": engine_version,
        "computed_at": timezone.now(),
        "source": Suggestion.Source.MANUAL,
    }
    try:
        with transaction.atomic():
            return Suggestion.objects.create(opportunity=opportunity, company=company, **fields), True
    except IntegrityError:  # added at the same moment by someone else (or by a recompute): decide on that one
        return Suggestion.objects.select_for_update().get(opportunity=opportunity, company=company), False
