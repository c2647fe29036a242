import sys
import time

from django.core.management.base import BaseCommand

from matchmaking.engine import recompute_all


class Command(BaseCommand):
    help = "Rescore every open financing need against every published product, and hand out leads."

    def add_arguments(self, parser):
        parser.add_argument(
            "--block-size",
            type=int,
            default=None,
            help="needs scored per block (default: automatic)",
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")

    def handle(self, *args, block_size, quiet, **options):
        started = time.perf_counter()
        interactive = not quiet and sys.stdout.isatty()

        def progress(done: int, total: int) -> None:
            if quiet:
                return
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            line = f"[{bar}] {done}/{total} needs ({100 * done // max(total, 1)}%)"
            self.stdout.write(
                f"\r{line}" if interactive else line, ending="" if interactive else "\n"
            )
            self.stdout.flush()

        report = recompute_all(progress=progress, block_size=block_size)
        if interactive:
            self.stdout.write("")
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.needs} needs × {report.products} products = {report.pairs} pairs scored "
                f"in {elapsed:.2f} s; {report.matches} matches kept, {report.leads_created} new leads."
            )
        )
