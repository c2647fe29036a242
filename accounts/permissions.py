"""Who may open which door. Pages use the decorators; the API uses the DRF permission classes."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from rest_framework.permissions import BasePermission


def _role_required(check):
    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            # LoginRequiredMiddleware has already sent anonymous visitors to the login page.
            if not check(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def is_enterprise_member(user) -> bool:
    return (
        user.is_authenticated
        and user.is_enterprise_member
        and hasattr(user, "enterprise_membership")
    )


def is_officer(user) -> bool:
    return (
        user.is_authenticated
        and user.is_officer
        and hasattr(user, "officer")
        and user.officer.is_active
    )


def is_government(user) -> bool:
    return user.is_authenticated and user.is_government


def is_finance_office(user) -> bool:
    return user.is_authenticated and user.is_finance_office


enterprise_member_required = _role_required(is_enterprise_member)
officer_required = _role_required(is_officer)
government_required = _role_required(is_government)
finance_office_required = _role_required(is_finance_office)


class IsEnterpriseMember(BasePermission):
    def has_permission(self, request, view):
        return is_enterprise_member(request.user)


class IsOfficer(BasePermission):
    def has_permission(self, request, view):
        return is_officer(request.user)


class IsGovernment(BasePermission):
    def has_permission(self, request, view):
        return is_government(request.user)
