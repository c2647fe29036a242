from django.shortcuts import render

from accounts.permissions import officer_required

from .selectors import lead_counts_for_institution, products_for_institution


@officer_required
def home(request):
    officer = request.user.officer
    institution = officer.institution
    return render(
        request,
        "banks/home.html",
        {
            "officer": officer,
            "institution": institution,
            "lead_counts": lead_counts_for_institution(institution=institution),
            "products": products_for_institution(institution=institution)[:50],
        },
    )
