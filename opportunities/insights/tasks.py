"""The worker's side of the dashboard: kept views counted and refreshed (`summaries`)."""

from celery import shared_task

from . import summaries


@shared_task(name="opportunities.tasks.compute_insight_summary")
def compute_insight_summary(summary_id: int) -> float | None:
    """Count one dashboard view too slow for a request; the seconds it took."""
    return summaries.compute(summary_id)


@shared_task(name="opportunities.tasks.refresh_insight_summaries")
def refresh_insight_summaries() -> dict:
    """Every few minutes: the kept views someone looks at counted again when stale, the others deleted."""
    return summaries.refresh_due()
