"""Factories for the core app."""

import factory

from core.models import IndustryChain, IndustryCluster


class IndustryClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryCluster

    name = factory.Sequence(lambda n: f"产业集群{n}")
    code = factory.Sequence(lambda n: f"cluster-{n}")


class IndustryChainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndustryChain

    cluster = factory.SubFactory(IndustryClusterFactory)
    name = factory.Sequence(lambda n: f"产业链{n}")
    code = factory.Sequence(lambda n: f"chain-{n}")
