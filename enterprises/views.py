from django.shortcuts import render

from accounts.permissions import enterprise_member_required

from .selectors import enterprise_for_user, needs_for_enterprise


@enterprise_member_required
def home(request):
    enterprise = enterprise_for_user(user=request.user)
    needs = needs_for_enterprise(enterprise=enterprise)[:20]
    return render(
        request,
        "enterprises/home.html",
        {
            "enterprise": enterprise,
            "classification": enterprise.classification(),
            "needs": needs,
            "projects": enterprise.projects.filter(archived_at__isnull=True)[:20],
        },
    )
