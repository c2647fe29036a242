"""How the office's console follows what happens below it (connected in ``OfficeConfig.ready``)."""

from django.dispatch import receiver

from leads.signals import agreement_changed

from .summary import summary_apply_change


@receiver(agreement_changed)
def keep_summary_in_step(sender, *, agreement, before, **kwargs) -> None:
    # Runs inside the signing's (or the correction's) transaction: both commit or neither.
    summary_apply_change(agreement=agreement, before=before)
