"""Checked status maps.

Every status field with a workflow (a financing need, a lead, a loan product under review) states
its legal moves once, as a ``TransitionMap``; services call ``check()`` before they change a
status, so an illegal move is refused the same way from every door.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.utils.translation import gettext as _

from .errors import ServiceError


class IllegalTransition(ServiceError):
    """A status change that the map does not allow: one kind of refusal."""

    def __init__(self, message: str, *, source: str, target: str):
        super().__init__(message)
        self.source = source
        self.target = target


class TransitionMap:
    def __init__(self, choices, moves: Mapping[str, Iterable[str]]):
        self.choices = choices
        self.moves: dict[str, frozenset[str]] = {
            str(source): frozenset(str(t) for t in targets) for source, targets in moves.items()
        }
        unknown = (set(self.moves) | {t for ts in self.moves.values() for t in ts}) - set(
            choices.values
        )
        if unknown:
            raise ValueError(f"Unknown statuses in transition map: {sorted(unknown)}")

    def allows(self, source: str, target: str) -> bool:
        return str(target) in self.moves.get(str(source), frozenset())

    def targets(self, source: str) -> frozenset[str]:
        return self.moves.get(str(source), frozenset())

    def is_final(self, status: str) -> bool:
        return not self.targets(status)

    def check(self, source: str, target: str) -> None:
        if not self.allows(source, target):
            raise IllegalTransition(
                _("Cannot change the status from “%(source)s” to “%(target)s”.")
                % {"source": self.choices(source).label, "target": self.choices(target).label},
                source=str(source),
                target=str(target),
            )
