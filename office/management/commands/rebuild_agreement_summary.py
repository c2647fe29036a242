from django.core.management.base import BaseCommand

from office.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recompute the dashboard's pre-aggregated agreement totals from the agreements."

    def handle(self, *args, **options):
        result = summary_rebuild()
        self.stdout.write(
            "added {added}, changed {changed}, removed {removed} summary rows".format(**result)
        )
