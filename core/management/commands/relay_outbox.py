from django.core.management.base import BaseCommand

from core.models import OutboxMessage
from core.outbox import relay_pending


class Command(BaseCommand):
    help = "Publish the queued tasks the broker has not taken yet (the outbox), oldest first."

    def handle(self, *args, **options):
        sent = relay_pending()
        pending = OutboxMessage.objects.filter(sent_at=None).count()
        self.stdout.write(f"Published {sent}; {pending} still pending.")
