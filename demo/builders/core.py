"""Demo reference data: the district's industry clusters and chains."""

from core.models import IndustryChain, IndustryCluster
from demo.data import CHAINS, CLUSTERS


def build_industry_chains() -> dict:
    """The five clusters and twelve chains of the speech; returns chains by code."""
    clusters = {}
    for order, (code, name) in enumerate(CLUSTERS):
        clusters[code], _ = IndustryCluster.objects.get_or_create(
            code=code, defaults={"name": name, "sort_order": order}
        )
    chains = {}
    for order, (code, name, cluster, key, _industry) in enumerate(CHAINS):
        chains[code], _ = IndustryChain.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "cluster": clusters[cluster],
                "is_key_chain": key,
                "sort_order": order,
            },
        )

    return chains
