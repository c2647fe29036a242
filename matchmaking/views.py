from django.shortcuts import render

from accounts.permissions import government_required
from enterprises.models import FinancingNeed

from .selectors import needs_by_status, past_meetings_with_totals, signed_totals, upcoming_meetings


@government_required
def office_home(request):
    counts = needs_by_status()
    status_rows = [(label, counts.get(value, 0)) for value, label in FinancingNeed.Status.choices]
    return render(
        request,
        "matchmaking/office_home.html",
        {
            "totals": signed_totals(),
            "status_rows": status_rows,
            "upcoming": upcoming_meetings(),
            "past": past_meetings_with_totals(),
        },
    )
