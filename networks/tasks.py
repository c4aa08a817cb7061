"""The worker's side of networks: suggested helpers for a request, kept current.

A new request is matched after commit (`suggest_helpers`); beat's `refresh_request_suggestions` matches
every open request again each hour, so a member who joined or changed their profile shows up, and every
organisation's open opportunities (`matching.suggest_for_organisations`, one run of the engine for all).
"""

from celery import shared_task

from .matching import suggest, suggest_for_organisations
from .models import HelpRequest, Network


@shared_task(name="networks.tasks.suggest_helpers")
def suggest_helpers(request_pk: int) -> int:
    request = HelpRequest.objects.filter(pk=request_pk).first()
    return len(suggest(request)) if request is not None else 0


@shared_task(name="networks.tasks.refresh_request_suggestions")
def refresh_request_suggestions() -> int:
    requests = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, network__status=Network.Status.ACTIVE)
    return sum(len(suggest(request)) for request in requests) + suggest_for_organisations()
