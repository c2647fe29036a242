"""The organisers' meeting pages, mounted in the office area (``/office/meetings/``, names
``office:meeting_*``). Government staff may look; only the finance office acts (the services
refuse anyone else, the pages do not even offer it)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import finance_office_required, government_required
from core.errors import ServiceError
from core.once import create_once, posted_form_token
from core.views import redirect_after_create, show_filter_errors, show_refusal

from . import selectors, services
from .forms import (
    CancelForm,
    EnterprisePickForm,
    ExtendSeriesForm,
    InviteForm,
    MeetingForm,
    PresentForm,
    SeriesForm,
    VenueForm,
)
from .models import MeetingInvitation, PresentedItem, SubVenue

LIST_PAGE_SIZE = 20
INVITEES_PAGE_SIZE = 30
# The invitation page lists at most this many enterprises matching the filters.
ENTERPRISES_SHOWN = 200


@government_required
def meeting_list(request):
    past = request.GET.get("when") == "past"
    page = Paginator(selectors.meetings_for_organiser(past=past), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "meetings/office_list.html", {"page": page, "past": past})


@finance_office_required
def meeting_create(request):
    form = MeetingForm(
        request.POST or None, initial={"organiser_department": request.user.department}
    )
    if request.method == "POST" and form.is_valid():

        def create():
            return services.meeting_create(
                actor=request.user, **form.cleaned_data
            ).get_absolute_url()

        try:
            outcome = create_once(
                token=posted_form_token(request), user=request.user, create=create
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            return redirect_after_create(request, outcome, _("The meeting is scheduled."))
    return render(request, "meetings/office_meeting_form.html", {"form": form})


@finance_office_required
def series_create(request):
    form = SeriesForm(
        request.POST or None, initial={"organiser_department": request.user.department}
    )
    if request.method == "POST" and form.is_valid():

        def create():
            return services.series_create(
                actor=request.user, **form.cleaned_data
            ).get_absolute_url()

        try:
            outcome = create_once(
                token=posted_form_token(request), user=request.user, create=create
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            return redirect_after_create(
                request, outcome, _("The series and its meetings are scheduled.")
            )
    return render(request, "meetings/office_series_form.html", {"form": form})


@government_required
def series_detail(request, pk):
    series = selectors.series_for_organiser(pk=pk)
    form = ExtendSeriesForm(request.POST or None, initial={"generate_until": series.generate_until})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.series_generate(
                series=series, actor=request.user, until=form.cleaned_data["generate_until"]
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("%(count)d meetings added.") % {"count": len(created)})
            return redirect(series.get_absolute_url())
    return render(
        request,
        "meetings/office_series_detail.html",
        {
            "series": series,
            "occurrences": selectors.series_occurrences(series=series),
            "form": form,
        },
    )


@government_required
def meeting_detail(request, pk):
    return _meeting_detail_page(request, selectors.meeting_for_organiser(pk=pk))


def _meeting_detail_page(request, meeting, *, cancel_form=None, present_form=None):
    """The organiser's meeting page; a form sent from it that failed comes back bound, its errors
    beside its fields and in its summary."""
    response = request.GET.get("response", "")
    if response not in MeetingInvitation.Response.values:
        response = ""
    invitations = Paginator(
        selectors.meeting_invitations(meeting=meeting, response=response), INVITEES_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    items = list(selectors.presented_items(meeting=meeting))
    talk_counts = selectors.talk_interest_counts(meeting=meeting)
    return render(
        request,
        "meetings/office_meeting_detail.html",
        {
            "meeting": meeting,
            "counts": selectors.answer_counts(meeting=meeting),
            "venues": selectors.meeting_venues(meeting=meeting),
            "page": invitations,
            "response": response,
            "responses": MeetingInvitation.Response.choices,
            "items": [(i, talk_counts.get(i.enterprise_id, 0)) for i in items],
            "venue_form": VenueForm(prefix="venue"),
            "present_form": present_form
            or (PresentForm() if request.user.is_finance_office else None),
            "cancel_form": cancel_form or CancelForm(),
        },
    )


@finance_office_required
def meeting_edit(request, pk):
    meeting = selectors.meeting_for_organiser(pk=pk)
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("scope", None)
        # The form wrote its values onto the instance: the service compares with the stored row.
        try:
            changed = services.meeting_update(
                meeting=selectors.meeting_for_organiser(pk=pk),
                actor=request.user,
                following=form.following if "scope" in form.fields else False,
                **data,
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("%(count)d meetings changed.") % {"count": len(changed)})
            return redirect("office:meeting_detail", pk=pk)
    return render(request, "meetings/office_meeting_form.html", {"form": form, "meeting": meeting})


@finance_office_required
@require_POST
def meeting_cancel(request, pk):
    meeting = selectors.meeting_for_organiser(pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _meeting_detail_page(request, meeting, cancel_form=form)
    else:
        try:
            services.meeting_cancel(
                meeting=meeting, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ServiceError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("The meeting is cancelled; invitees will be told."))
    return redirect("office:meeting_detail", pk=pk)


@finance_office_required
def venue_edit(request, pk, venue_pk=None):
    meeting = selectors.meeting_for_organiser(pk=pk)
    venue = get_object_or_404(SubVenue, pk=venue_pk, meeting=meeting) if venue_pk else None
    form = VenueForm(request.POST or None, instance=venue, prefix="venue")
    if request.method == "POST" and form.is_valid():
        try:
            services.venue_save(
                meeting=meeting, actor=request.user, venue=venue, **form.cleaned_data
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Venue saved."))
            return redirect("office:meeting_detail", pk=pk)
    return render(
        request,
        "meetings/office_venue_form.html",
        {"form": form, "meeting": meeting, "venue": venue},
    )


@finance_office_required
@require_POST
def venue_delete(request, pk, venue_pk):
    venue = get_object_or_404(SubVenue, pk=venue_pk, meeting_id=pk)
    try:
        services.venue_delete(venue=venue, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Venue removed."))
    return redirect("office:meeting_detail", pk=pk)


@finance_office_required
def meeting_invite(request, pk):
    meeting = selectors.meeting_for_organiser(pk=pk)
    pick = EnterprisePickForm(request.GET or None)
    show_filter_errors(request, pick)
    enterprises = pick.enterprises()
    shown = enterprises[:ENTERPRISES_SHOWN] if enterprises is not None else None
    form = InviteForm(
        request.POST or None,
        enterprises=enterprises,
        initial={"enterprises": list(shown) if shown is not None else []},
    )
    if request.method == "POST" and form.is_valid():
        try:
            new = services.meeting_invite(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("%(count)d people invited.") % {"count": len(new)})
            return redirect("office:meeting_detail", pk=pk)
    return render(
        request,
        "meetings/office_invite.html",
        {"meeting": meeting, "form": form, "pick": pick, "enterprises_shown": shown},
    )


@finance_office_required
@require_POST
def invitation_withdraw(request, pk, invitation_pk):
    invitation = get_object_or_404(MeetingInvitation, pk=invitation_pk, meeting_id=pk)
    try:
        services.invitation_withdraw(invitation=invitation, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Invitation withdrawn."))
    return redirect("office:meeting_detail", pk=pk)


@finance_office_required
@require_POST
def presented_add(request, pk):
    meeting = selectors.meeting_for_organiser(pk=pk)
    form = PresentForm(request.POST)
    if not form.is_valid():
        return _meeting_detail_page(request, meeting, present_form=form)
    else:
        try:
            services.presented_item_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Added to the list presented at the meeting."))
    return redirect(reverse("office:meeting_detail", args=[pk]) + "#presented")


@finance_office_required
@require_POST
def presented_remove(request, pk, item_pk):
    item = get_object_or_404(PresentedItem, pk=item_pk, meeting_id=pk)
    try:
        services.presented_item_remove(item=item, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Removed from the list."))
    return redirect(reverse("office:meeting_detail", args=[pk]) + "#presented")
