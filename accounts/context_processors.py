from .notice_counts import unread_notice_count
from .permissions import is_enterprise_member, is_government, is_officer


def portal(request):
    """Role flags and the unread-notice count for the navigation bar (cached per person)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_role": (
            "enterprise"
            if is_enterprise_member(user)
            else "officer"
            if is_officer(user)
            else "government"
            if is_government(user)
            else ""
        ),
        "unread_notices": unread_notice_count(user),
    }
