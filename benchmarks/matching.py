"""Matching benchmark: how fast the engine scores needs against products at district and province
scale. Run on demand (not part of the test suite):

    .venv/bin/python benchmarks/matching.py                 # both scenarios
    .venv/bin/python benchmarks/matching.py --scenario district
    DATABASE_URL=postgres://... .venv/bin/python benchmarks/matching.py

It creates a throwaway database on the configured server (``bench_<name>``, apart from the test
suite's),
fills it with synthetic data, and prints for each scenario: wall time, pairs scored per second,
peak memory, and two ratios measured in the same run:

* against the pure-compute floor: the same scoring by the vectorised kernel on in-memory arrays,
  with no database work;
* against the per-pair explanation path, timed on a sample of pairs.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

SCENARIOS = {
    # name: (open needs, products, enterprises, institutions, targets)
    "district": (5_000, 400, 1_500, 12, {"full": 2.0}),
    "province": (100_000, 2_000, 25_000, 120, {"full": 60.0, "memory_gb": 2.0, "floor_ratio": 3.0}),
}
CHANGED_NEED_TARGET_MS = 50
CHANGED_PRODUCT_TARGET_S = 3.0


class PeakMemory:
    """Peak resident memory of this process while a block runs, sampled from /proc."""

    def __init__(self, interval: float = 0.02):
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()

    @staticmethod
    def rss() -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            time.sleep(self.interval)

    def __enter__(self):
        self.peak = self.rss()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.rss())


def _fmt_bytes(n: int) -> str:
    return f"{n / 1024**3:.2f} GB" if n >= 1024**3 else f"{n / 1024**2:.0f} MB"


def generate(needs: int, products: int, enterprises: int, institutions: int, seed: int = 7) -> None:
    """Synthetic district or province: verified enterprises, open needs, published products."""
    from banks.models import Institution, LoanProduct, PolicyTag
    from core.models import IndustryChain, IndustryCluster, PortalSettings
    from core.reference import Collateral
    from core.sizing import Industry, SizeClass
    from core.uscc import make_uscc
    from enterprises.models import Enterprise, FinancingNeed, Recommendation

    rng = random.Random(seed)
    PortalSettings.load()
    cluster = IndustryCluster.objects.create(name="基准集群", code="bench")
    chains = IndustryChain.objects.bulk_create(
        [
            IndustryChain(cluster=cluster, name=f"产业链{i}", code=f"bench-{i}", is_key_chain=i < 5)
            for i in range(40)
        ]
    )
    size_values = SizeClass.values
    rows = []
    for i in range(enterprises):
        rows.append(
            Enterprise(
                credit_code=make_uscc(f"91510199MB{i:06d}"),
                name=f"基准企业{i}",
                legal_representative="张三",
                industry=Industry.OTHER,
                chain=chains[i % len(chains)],
                size_class=rng.choice(size_values),
                verification_status=Enterprise.VerificationStatus.VERIFIED,
            )
        )
    # bulk_create bypasses save(), so the size class set above is kept as generated.
    Enterprise.objects.bulk_create(rows, batch_size=5000)
    enterprise_ids = list(Enterprise.objects.values_list("pk", flat=True))
    Recommendation.objects.bulk_create(
        [
            Recommendation(enterprise_id=pk, department="industry_it", reason="基准推荐")
            for i, pk in enumerate(enterprise_ids)
            if i % 9 == 0
        ],
        batch_size=5000,
    )
    collateral = Collateral.values
    kinds = FinancingNeed.LoanKind.values
    now = timezone.now()
    batch = []
    for i in range(needs):
        batch.append(
            FinancingNeed(
                enterprise_id=enterprise_ids[i % len(enterprise_ids)],
                amount=Decimal(rng.choice([20, 50, 100, 200, 500, 1000, 3000, 8000])) * 10000,
                term_months=rng.choice([6, 12, 12, 24, 36, 60]),
                purpose="基准需求",
                collateral=rng.sample(collateral, k=rng.choice([0, 1, 1, 2])),
                max_rate=Decimal(rng.choice(["4.00", "4.50", "5.00", "6.00"])),
                loan_kind=kinds[0] if i % 7 else rng.choice(kinds),
                status=FinancingNeed.Status.SUBMITTED,
                submitted_at=now,
            )
        )
        if len(batch) == 10000:
            FinancingNeed.objects.bulk_create(batch)
            batch = []
    FinancingNeed.objects.bulk_create(batch)
    banks = Institution.objects.bulk_create(
        [Institution(name=f"基准银行{i}") for i in range(institutions)]
    )
    tags = PolicyTag.values
    product_rows = []
    for i in range(products):
        low = rng.choice([5, 10, 50, 100, 500])
        low_term = rng.choice([1, 3, 6, 12])
        low_rate = Decimal(rng.choice(["3.20", "3.45", "3.85", "4.20"]))
        product_rows.append(
            LoanProduct(
                institution=banks[i % len(banks)],
                name=f"基准产品{i}",
                tags=rng.sample(tags, k=rng.choice([1, 2, 3])),
                min_amount=Decimal(low) * 10000,
                max_amount=Decimal(low * rng.choice([10, 20, 50, 100])) * 10000,
                min_term_months=low_term,
                max_term_months=low_term + rng.choice([12, 24, 36, 60]),
                min_rate=low_rate,
                max_rate=low_rate + Decimal("1.20"),
                eligible_size_classes=rng.sample(size_values, k=rng.choice([0, 2, 3])),
                accepted_collateral=rng.sample(collateral, k=rng.choice([0, 2, 4])),
                typical_approval_days=rng.choice([3, 5, 7, 15, 30]),
                status=LoanProduct.Status.PUBLISHED,
                published_at=now,
            )
        )
    LoanProduct.objects.bulk_create(product_rows, batch_size=5000)
    through = LoanProduct.eligible_chains.through
    links = []
    for product_id in LoanProduct.objects.values_list("pk", flat=True):
        if product_id % 4 == 0:
            for chain in rng.sample(chains, k=5):
                links.append(through(loanproduct_id=product_id, industrychain_id=chain.pk))
    through.objects.bulk_create(links, batch_size=5000)


def analyze() -> None:
    """Fresh statistics, as a running database has (autovacuum); bulk-loaded tables have none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def pure_compute_floor(block_size: int) -> tuple[float, int]:
    """Score every pair with the vectorised kernel on in-memory facts: no database work."""
    from matchmaking.facts import need_facts, open_needs_queryset, product_facts, weights_current
    from matchmaking.kernel import ProductArrays, score_block, select_top

    weights = weights_current()
    products = ProductArrays.build(product_facts())
    needs = need_facts(queryset=open_needs_queryset())
    started = time.perf_counter()
    kept = 0
    for start in range(0, len(needs), block_size):
        block_needs = needs[start : start + block_size]
        kept += len(
            select_top(score_block(block_needs, products, weights), block_needs, products, weights)
        )
    return time.perf_counter() - started, kept


def per_pair_rate(sample: int = 3000) -> float:
    """Pairs per second through the per-pair explanation path, on a sample."""
    from matchmaking.facts import need_facts, open_needs_queryset, product_facts, weights_current
    from matchmaking.rules import explain_pair

    weights = weights_current()
    products = product_facts()
    ids = list(
        open_needs_queryset()
        .order_by("pk")
        .values_list("pk", flat=True)[: sample // len(products) + 1]
    )
    needs = need_facts(ids)
    pairs = [(n, p) for n in needs for p in products][:sample]
    started = time.perf_counter()
    for need, product in pairs:
        explain_pair(need, product, weights)
    return len(pairs) / (time.perf_counter() - started)


def run_scenario(name: str) -> dict:
    from leads.models import Lead
    from matchmaking import engine
    from matchmaking.models import Match

    needs, products, enterprises, institutions, targets = SCENARIOS[name]
    print(f"\n== {name}: {needs:,} open needs × {products:,} products ==", flush=True)
    t = time.perf_counter()
    generate(needs, products, enterprises, institutions)
    analyze()
    print(f"   synthetic data created in {time.perf_counter() - t:.1f} s", flush=True)
    pairs = needs * products

    with PeakMemory() as memory:
        started = time.perf_counter()
        report = engine.recompute_all()
        cold = time.perf_counter() - started
    analyze()  # as autovacuum would after the first big write
    started = time.perf_counter()
    engine.recompute_all()
    warm = time.perf_counter() - started
    floor, floor_kept = pure_compute_floor(
        max(engine.NEED_BLOCK, engine.PAIRS_PER_BLOCK // products)
    )
    pair_rate = per_pair_rate()

    print(
        f"   full recompute (first, writes {Match.objects.count():,} matches, {Lead.objects.count():,} leads): {cold:.2f} s"
    )
    print(
        f"     of which: loading needs {report.load_seconds:.2f} s, kernel {report.compute_seconds:.2f} s, "
        f"writing matches and leads {report.write_seconds:.2f} s"
    )
    print(f"   full recompute (again, nothing to change): {warm:.2f} s")
    print(
        f"   pairs scored per second: {pairs / cold:,.0f} (first run), {pairs / warm:,.0f} (again)"
    )
    print(f"   peak memory (process RSS): {_fmt_bytes(memory.peak)}")
    print(
        f"   pure-compute floor: {floor:.2f} s ({pairs / floor:,.0f} pairs/s, {floor_kept:,} kept);"
        f" ratio first {cold / floor:.2f}x, again {warm / floor:.2f}x"
    )
    print(
        f"   per-pair explanation path: {pair_rate:,.0f} pairs/s; the bulk path is "
        f"{(pairs / cold) / pair_rate:,.0f}x faster (first run)"
    )
    assert report.pairs == pairs

    result = {"name": name, "cold": cold, "warm": warm, "floor": floor, "peak": memory.peak}
    # One changed need against every product, end to end (load, score, write, leads).
    from enterprises.models import FinancingNeed

    need_ids = list(FinancingNeed.objects.order_by("?").values_list("pk", flat=True)[:20])
    timings = []
    for need_id in need_ids:
        FinancingNeed.objects.filter(pk=need_id).update(amount=Decimal(rng_amount(need_id)) * 10000)
        started = time.perf_counter()
        engine.rescore_need(need_id)
        timings.append(time.perf_counter() - started)
    timings.sort()
    median_ms = timings[len(timings) // 2] * 1000
    print(
        f"   one changed need × {products:,} products: median {median_ms:.1f} ms, "
        f"worst {timings[-1] * 1000:.1f} ms (target {CHANGED_NEED_TARGET_MS} ms)"
    )
    result["need_ms"] = median_ms

    from banks.models import LoanProduct

    product_ids = list(LoanProduct.objects.order_by("?").values_list("pk", flat=True)[:3])
    product_timings = []
    for product_id in product_ids:
        LoanProduct.objects.filter(pk=product_id).update(
            typical_approval_days=2, updated_at=timezone.now()
        )
        started = time.perf_counter()
        engine.rescore_product(product_id)
        product_timings.append(time.perf_counter() - started)
    product_timings.sort()
    print(
        f"   one changed product × {needs:,} needs: median {product_timings[len(product_timings) // 2]:.2f} s, "
        f"worst {product_timings[-1]:.2f} s (target {CHANGED_PRODUCT_TARGET_S} s)"
    )
    result["product_s"] = product_timings[len(product_timings) // 2]

    verdicts = [
        f"full recompute {cold:.2f} s vs target {targets['full']} s: {'met' if cold <= targets['full'] else 'MISSED'}"
    ]
    if "memory_gb" in targets:
        gb = memory.peak / 1024**3
        verdicts.append(
            f"peak memory {gb:.2f} GB vs {targets['memory_gb']} GB: {'met' if gb <= targets['memory_gb'] else 'MISSED'}"
        )
    if "floor_ratio" in targets:
        ratio = cold / floor
        verdicts.append(
            f"floor ratio {ratio:.2f}x vs {targets['floor_ratio']}x: {'met' if ratio <= targets['floor_ratio'] else 'MISSED'}"
        )
    if name == "province":
        verdicts.append(
            f"changed need {median_ms:.1f} ms vs {CHANGED_NEED_TARGET_MS} ms: {'met' if median_ms <= CHANGED_NEED_TARGET_MS else 'MISSED'}"
        )
        verdicts.append(
            f"changed product {result['product_s']:.2f} s vs {CHANGED_PRODUCT_TARGET_S} s: "
            f"{'met' if result['product_s'] <= CHANGED_PRODUCT_TARGET_S else 'MISSED'}"
        )
    for verdict in verdicts:
        print(f"   -> {verdict}")
    return result


def rng_amount(seed: int) -> int:
    return [30, 80, 150, 400, 900][seed % 5]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    args = parser.parse_args()
    names = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    print(f"database: {connection.vendor}; CPUs: {os.cpu_count()}")
    for name in names:
        creation = connection.creation
        original = connection.settings_dict["NAME"]
        # Its own throwaway database, apart from the test suite's.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{original}".replace(
            "/", "_"
        )[:60]
        creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
        try:
            run_scenario(name)
        finally:
            creation.destroy_test_db(original, verbosity=0)


if __name__ == "__main__":
    main()
