"""Office console benchmark: the finance office's dashboard, funnel and league table on a
province-sized history. Run on demand, on PostgreSQL (not part of the test suite):

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python benchmarks/office.py
    ... benchmarks/office.py --scale 0.1      # a tenth of every size (100k agreements, 10k needs)
    ... benchmarks/office.py --agreements 200000 --needs 20000      # sizes by hand

It creates a throwaway database on the configured server (``bench_office_<name>``), fills it in
bulk with ``generate_series`` SQL (enterprises, needs, leads, agreements; every agreement has its
own lead), rebuilds the dashboard's summary (``office.summary.summary_rebuild``) and prints:

* the time of each page's first (cold) request, with the dashboard's cache empty;
* the dashboard's requests per second once its figures are cached, against a view that touches
  no database, both through Django's full request handling in this process and in the same run
  (goal: at least 0.10 of the no-database rate);
* the league table (``office:league_table``) and the unserved needs page (``office:unserved_needs``:
  a fiftieth of the needs are matched without a match, so the near-miss hints have work to do);
* every figure again in one table at the end.

Two baselines for requests/s: an anonymous view that touches nothing, and the same view behind
the login (session and user read like any signed-in page); the dashboard is compared with both.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.decorators import login_not_required  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import clear_url_caches, include, path, reverse  # noqa: E402

RATE_SECONDS = 3.0
GOAL_RATIO = 0.10
# The second rebuild compares every row in Python: timed at moderate sizes only.
SECOND_REBUILD_MAX = 200_000


@login_not_required
def no_database(request):
    return HttpResponse("ok")


def signed_in(request):
    """Behind the login like the dashboard (session and user loaded), but no page queries."""
    return HttpResponse("ok")


urlpatterns = [
    path("bench/no-database/", no_database, name="bench_no_database"),
    path("bench/signed-in/", signed_in, name="bench_signed_in"),
    path("", include("config.urls")),
]


def fill(*, agreements: int, needs: int, enterprises: int, institutions: int) -> None:
    from accounts.models import User
    from banks.models import Institution
    from core.models import IndustryChain, IndustryCluster, PortalSettings
    from meetings.models import Meeting

    PortalSettings.load()
    clusters = IndustryCluster.objects.bulk_create(
        [IndustryCluster(name=f"集群{i}", code=f"c{i}") for i in range(6)]
    )
    IndustryChain.objects.bulk_create(
        [
            IndustryChain(cluster=clusters[i % 6], name=f"产业链{i}", code=f"ch{i}")
            for i in range(30)
        ]
    )
    Institution.objects.bulk_create(
        [Institution(name=f"基准银行{i}支行", short_name=f"基准行{i}") for i in range(institutions)]
    )
    organizer = User.objects.create_user(
        "bench_finance",
        password="x",
        role=User.Role.GOVERNMENT,
        department=User.Department.FINANCE_OFFICE,
    )
    from django.utils import timezone

    Meeting.objects.bulk_create(
        [
            Meeting(
                title=f"基准对接会{i}",
                starts_at=timezone.now(),
                ends_at=timezone.now(),
                location="区行政中心",
                status=Meeting.Status.HELD,
                organizer=organizer,
            )
            for i in range(12)
        ]
    )
    leads_per_need = -(-agreements // needs)
    if leads_per_need > institutions:
        raise SystemExit("more agreements per need than institutions: raise --needs")
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute("SELECT min(id) FROM core_industrychain")
        chain0 = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM banks_institution")
        inst0 = cursor.fetchone()[0]
        cursor.execute("SELECT min(id) FROM meetings_meeting")
        meeting0 = cursor.fetchone()[0]
        cursor.execute(
            """
            INSERT INTO enterprises_enterprise (credit_code, name, legal_representative, industry,
                town, address, size_class, contact_name, contact_phone, contact_email,
                verification_status, rejection_reason, created_at, updated_at, chain_id)
            SELECT 'B' || lpad(g::text, 17, '0'), '基准企业' || g, '张三', 'other',
                (ARRAY['城关镇','清溪街道','河西街道','白鹤镇','石门镇','新华乡','工业园区',
                       '桃源镇','东城街道','西城街道','南山镇','北关镇'])[1 + g %% 12],
                '', (ARRAY['large','medium','small','micro'])[1 + (g * 7) %% 4], '', '', '',
                'verified', '', now(), now(), %s + g %% 30
            FROM generate_series(1, %s) g
            """,
            [chain0, enterprises],
        )
        cursor.execute("SELECT min(id) FROM enterprises_enterprise")
        enterprise0 = cursor.fetchone()[0]
        # Needs submitted over 2023–2025 (the years the working-day calendar knows).
        cursor.execute(
            """
            INSERT INTO enterprises_financingneed (amount, term_months, purpose, collateral,
                loan_kind, description, visibility, status, submitted_at, created_at,
                updated_at, enterprise_id)
            SELECT round((10 + random() * 990)::numeric, 0) * 10000, 12, '补充流动资金', '[]',
                'new', '', 'all', 'submitted',
                timestamptz '2023-01-01 09:00+08' + (random() * 1080) * interval '1 day',
                now(), now(), %s + (g - 1) %% %s
            FROM generate_series(1, %s) g
            """,
            [enterprise0, enterprises, needs],
        )
        # Lead k of need n goes to institution (n + k) mod I: unique per need and institution.
        cursor.execute(
            """
            INSERT INTO leads_lead (score, status, received_at, contact_due_at,
                first_contacted_at, decline_reason, decline_note, created_at, updated_at,
                institution_id, need_id)
            SELECT 80, 'signed', n.submitted_at + interval '2 hours',
                n.submitted_at + interval '3 days',
                n.submitted_at + (1 + floor(random() * 4)) * interval '1 day',
                '', '', now(), now(), %s + (n.id + k) %% %s, n.id
            FROM enterprises_financingneed n, generate_series(0, %s - 1) k
            ORDER BY k, n.id
            LIMIT %s
            """,
            [inst0, institutions, leads_per_need, agreements],
        )
        cursor.execute(
            """
            INSERT INTO leads_loanagreement (amount, rate, term_months, signed_on,
                contract_number, created_at, institution_id, lead_id, meeting_id, first_loan,
                purpose, security)
            SELECT round((10 + random() * 990)::numeric, 0) * 10000, 3.85, 12,
                (l.first_contacted_at + (3 + floor(random() * 20)) * interval '1 day')::date,
                'B-' || l.id, now(), l.institution_id, l.id,
                CASE WHEN random() < 0.1 THEN %s + floor(random() * 12)::int END,
                random() < 0.2,
                (ARRAY['new','renewal','renewal_no_principal'])[1 + floor(random() * 3)::int],
                (ARRAY['credit','guarantee','mortgage','pledge'])[1 + floor(random() * 4)::int]
            FROM leads_lead l
            """,
            [meeting0],
        )
        # Needs the engine scored and found nothing for: the unserved page's "no match" rows.
        # Amounts above every product's ceiling (some also too long), so the near-miss hints
        # have rules to name.
        cursor.execute(
            """
            INSERT INTO enterprises_financingneed (amount, term_months, purpose, collateral,
                loan_kind, description, visibility, status, submitted_at, created_at,
                updated_at, enterprise_id, matched_at)
            SELECT 90000000, CASE WHEN g %% 3 = 0 THEN 120 ELSE 12 END, '扩大生产', '[]', 'new',
                '', 'all', 'submitted',
                timestamptz '2025-06-01 09:00+08' + (g %% 150) * interval '1 day',
                now(), now(), %s + (g - 1) %% %s, now()
            FROM generate_series(1, %s) g
            """,
            [enterprise0, enterprises, max(1, needs // 50)],
        )
        cursor.execute("ANALYZE")
    from banks.models import LoanProduct

    LoanProduct.objects.bulk_create(
        [
            LoanProduct(
                institution_id=institution.pk,
                name=f"基准贷{k}",
                min_amount=100_000,
                max_amount=50_000_000,
                min_term_months=1,
                max_term_months=36,
                min_rate="3.00",
                max_rate="6.00",
                status=LoanProduct.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            for institution in Institution.objects.all()
            for k in range(3)
        ]
    )


def timed_get(client, url, **query):
    started = time.perf_counter()
    response = client.get(url, query)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    elapsed = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return elapsed


def rate(client, url, **query) -> float:
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < RATE_SECONDS:
        response = client.get(url, query)
        count += 1
    assert response.status_code == 200, (url, response.status_code)
    return count / (time.perf_counter() - started)


def queries(client, url, **query) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(url, query)
    return len(captured)


def run(args) -> None:
    from leads.models import LoanAgreement
    from office.models import AgreementSummary
    from office.summary import summary_rebuild

    if args.reuse:
        pages(args)
        return
    started = time.perf_counter()
    fill(
        agreements=args.agreements,
        needs=args.needs,
        enterprises=args.enterprises,
        institutions=args.institutions,
    )
    print(
        f"filled: {LoanAgreement.objects.count():,} agreements, {args.needs:,} needs, "
        f"{args.enterprises:,} enterprises, {args.institutions} institutions "
        f"in {time.perf_counter() - started:.1f} s"
    )
    started = time.perf_counter()
    summary_rebuild()
    print(
        f"summary rebuilt: {AgreementSummary.objects.count():,} rows "
        f"in {time.perf_counter() - started:.1f} s"
    )
    if args.agreements <= SECOND_REBUILD_MAX:
        started = time.perf_counter()
        result = summary_rebuild()
        print(f"second rebuild ({result}) in {time.perf_counter() - started:.1f} s")
    pages(args)


def pages(args) -> None:
    from accounts.models import User
    from office.models import SummaryState

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench_finance"))
    dashboard, funnel = reverse("office:dashboard"), reverse("office:funnel")
    cache.clear()
    SummaryState.touch()
    results: list[tuple[str, str]] = []

    def report(label: str, value: str) -> None:
        print(f"  {label:<48} {value:>12}", flush=True)
        results.append((label, value))

    print("cold requests (empty cache):")
    pages = [
        ("dashboard, all time", dashboard, {}),
        ("dashboard, 2024", dashboard, {"year": "2024"}),
        ("dashboard, 2024, one chain and size", dashboard, {"year": "2024", "size_class": "small"}),
        ("funnel, all time", funnel, {}),
        ("funnel, 2024", funnel, {"year": "2024"}),
        ("league table, all time", reverse("office:league_table"), {}),
        ("unserved needs", reverse("office:unserved_needs"), {}),
        ("unserved needs, no match only", reverse("office:unserved_needs"), {"reason": "no_match"}),
        ("monthly report 2024-06 (XLSX)", reverse("office:monthly_report"), {"month": "2024-06"}),
    ]
    for label, url, query in pages:
        report(f"{label} (cold)", f"{timed_get(client, url, **query) * 1000:.0f} ms")
    print("second requests (warm cache):")
    for label, url, query in pages[:-1]:
        report(f"{label} (again)", f"{timed_get(client, url, **query) * 1000:.0f} ms")
    print("queries per request (warm):")
    for label, url, query in [pages[0], pages[3], pages[5], pages[6]]:
        report(f"{label} (queries)", str(queries(client, url, **query)))

    # BENCH_PROFILE=dashboard profiles 200 cached dashboard requests; =funnel, =league or
    # =unserved one request of that page.
    profiled = os.environ.get("BENCH_PROFILE")
    if profiled:
        from pyinstrument import Profiler

        url = {
            "dashboard": dashboard,
            "funnel": funnel,
            "league": reverse("office:league_table"),
            "unserved": reverse("office:unserved_needs"),
        }[profiled]
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(200 if profiled == "dashboard" else 1):
                client.get(url)
        print(
            profiler.output_text(
                unicode=True, color=False, show_all=bool(os.environ.get("BENCH_PROFILE_ALL"))
            )
        )
    print(f"requests/s over {RATE_SECONDS:.0f} s each (in-process, one client):")
    floor = rate(Client(HTTP_HOST="127.0.0.1"), reverse("bench_no_database"))
    signed_floor = rate(client, reverse("bench_signed_in"))
    hot = rate(client, dashboard)
    report("no-database view, anonymous (req/s)", f"{floor:.0f}")
    report("no-database view, signed in (req/s)", f"{signed_floor:.0f}")
    report("dashboard, figures cached (req/s)", f"{hot:.0f}")
    for baseline, value in [("anonymous", floor), ("signed-in", signed_floor)]:
        ratio = hot / value
        verdict = "meets" if ratio >= GOAL_RATIO else "MISSES"
        report(f"ratio to the {baseline} view", f"{ratio:.3f} {verdict}")

    print()
    print(f"{'figure':<48} {'value':>12}")
    print("-" * 61)
    for label, value in results:
        print(f"{label:<48} {value:>12}")
    print(f"(goal: dashboard req/s at least {GOAL_RATIO:.2f} of the no-database view)")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agreements", type=int, default=1_000_000)
    parser.add_argument("--needs", type=int, default=100_000)
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--institutions", type=int, default=20)
    parser.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="multiply agreements, needs and enterprises (0.1 = a tenth of each)",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the filled database (to profile pages on it)"
    )
    parser.add_argument(
        "--reuse", action="store_true", help="time the pages on a database kept by --keep"
    )
    args = parser.parse_args()
    for name in ("agreements", "needs", "enterprises"):
        setattr(args, name, max(1, int(getattr(args, name) * args.scale)))
    if connection.vendor != "postgresql":
        raise SystemExit("The office benchmark runs on PostgreSQL: set DATABASE_URL.")
    settings.ROOT_URLCONF = __name__
    clear_url_caches()
    print(f"database: {connection.vendor}; CPUs: {os.cpu_count()}; cache: {settings.CACHES}")
    creation = connection.creation
    original = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_office_{original}"[:60]
    creation.create_test_db(verbosity=0, autoclobber=True, keepdb=args.reuse)
    try:
        run(args)
    finally:
        if not args.keep:
            creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
