"""Matching follows changes in the apps below it: a need or a product that changed is rescored
after the change commits (connected in ``MatchmakingConfig.ready``). The task goes through the
outbox, so it is queued with the change and survives a broker outage."""

from django.dispatch import receiver

from banks.signals import product_changed
from core import outbox
from enterprises.signals import need_changed

from .tasks import rescore_need, rescore_product


@receiver(need_changed)
def rescore_changed_need(sender, *, need_id, **kwargs) -> None:
    outbox.enqueue(rescore_need.name, need_id)


@receiver(product_changed)
def rescore_changed_product(sender, *, product_id, **kwargs) -> None:
    outbox.enqueue(rescore_product.name, product_id)
