"""The one refusal type of the domain.

Every service raises ``ServiceError`` when it refuses a request (who may act, a bound, a status
move the map forbids). Doors turn it into a message in one place each: ``core.views`` for pages
and forms.
"""


class ServiceError(Exception):
    """A refused request; ``message`` is for the user, ``field`` names the form field if any."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
