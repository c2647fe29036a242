"""Factories for the meetings app."""

import datetime as dt

import factory
from django.utils import timezone

from meetings.models import Meeting, MeetingInvitation, SubVenue

from .accounts import UserFactory


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"政银企对接会{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + dt.timedelta(hours=2))
    location = "区行政中心"


class MeetingInvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingInvitation

    meeting = factory.SubFactory(MeetingFactory)
    user = factory.SubFactory(UserFactory)


class SubVenueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubVenue

    meeting = factory.SubFactory(MeetingFactory)
    name = factory.Sequence(lambda n: f"分会场{n}")
