"""Background work of the office's console; safe to run twice (the rebuild writes only what differs)."""

from celery import shared_task

from .summary import summary_rebuild


@shared_task(name="office.tasks.rebuild_agreement_summary")
def rebuild_agreement_summary() -> dict:
    """Nightly: recompute the dashboard's totals from the agreements, a check on the per-change
    upkeep (and the repair after an enterprise's chain, size class or town changed)."""
    return summary_rebuild()
