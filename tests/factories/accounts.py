"""Factories for the accounts app."""

import factory

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    """Always a new user: a username already taken fails loudly (IntegrityError) instead of
    quietly handing back someone else, perhaps with another role."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.cn")
    password = factory.PostGenerationMethodCall("set_password", "pass-word-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
