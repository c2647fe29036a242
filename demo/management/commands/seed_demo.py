from django.core.management.base import BaseCommand

from demo.builders import DEMO_LOGINS, DEMO_PASSWORD, build_demo_district


class Command(BaseCommand):
    help = "Build the demo district (idempotent: running it again changes nothing)."

    def handle(self, *args, **options):
        counts = build_demo_district()
        self.stdout.write(
            "Demo data ready: " + ", ".join(f"{name} {count}" for name, count in counts.items())
        )
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.username:<12} {login.description}")
