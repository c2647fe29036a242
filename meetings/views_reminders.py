"""Pages of the meetings app: the organiser's reminder deliveries and the door's check-in page
(government staff), and the invitee's own invitation with its check-in code."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.permissions import government_required
from core.errors import ServiceError
from core.views import show_filter_errors, show_refusal

from . import checkin, reminders
from .forms import CheckInForm, DeliveryFilterForm, ReminderOffsetsForm
from .models import Meeting, ReminderDelivery
from .qr import checkin_qr_svg
from .selectors import (
    attendance_by_institution,
    attendance_total,
    invitation_of,
    meeting_deliveries,
    meeting_delivery_counts,
    recent_checkins,
)

DELIVERY_PAGE_SIZE = 50


@government_required
def reminder_list(request, pk):
    """The meeting's deliveries, failures first; the organiser changes the reminder times here."""
    meeting = get_object_or_404(Meeting, pk=pk)
    offsets_form = ReminderOffsetsForm(
        request.POST or None, initial={"reminder_offsets": meeting.reminder_offsets}
    )
    if request.method == "POST" and offsets_form.is_valid():
        try:
            reminders.meeting_reminder_offsets_set(
                meeting=meeting,
                actor=request.user,
                offsets=offsets_form.cleaned_data["reminder_offsets"],
            )
        except ServiceError as error:
            show_refusal(request, error, offsets_form)
        else:
            messages.success(request, _("Reminder times saved."))
            return redirect("office:meeting_reminders", pk=meeting.pk)
    form = DeliveryFilterForm(request.GET or None)
    show_filter_errors(request, form)
    status = form.cleaned_data["status"] if form.is_bound and form.is_valid() else ""
    page = Paginator(meeting_deliveries(meeting, status=status), DELIVERY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = meeting_delivery_counts(meeting)
    return render(
        request,
        "meetings/reminder_list.html",
        {
            "meeting": meeting,
            "form": form,
            "offsets_form": offsets_form,
            "page": page,
            "counts": counts,
            "status_counts": [
                (value, label, counts[value]) for value, label in ReminderDelivery.Status.choices
            ],
            "query": urlencode({"status": status}) if status else "",
        },
    )


def _warn_unexpected_guest(request, invitation):
    """The door must know when the code is of someone who declined (their substitute may come
    with it) or who is still on the waiting list: they were not counted on."""
    Response = invitation.Response
    if invitation.response == Response.DECLINED:
        if invitation.substitute_name:
            text = _(
                "%(name)s had declined and named %(substitute)s to come instead: check that "
                "this is the person at the door."
            ) % {"name": invitation.user, "substitute": invitation.substitute_name}
        else:
            text = _("%(name)s had declined this meeting; no seat was kept for them.") % {
                "name": invitation.user
            }
        messages.warning(request, text)
    elif invitation.response == Response.WAITLISTED:
        messages.warning(
            request,
            _("%(name)s is still on the waiting list; no seat was kept for them.")
            % {"name": invitation.user},
        )


@government_required
def checkin_desk(request, pk):
    """Type a code or open a QR link (GET ?code=…): shows who it is; the button checks them in."""
    meeting = get_object_or_404(Meeting, pk=pk)
    url = reverse("office:meeting_checkin", args=[meeting.pk])
    if request.method == "POST":
        form = CheckInForm(request.POST)
        if form.is_valid():
            try:
                result = checkin.invitation_check_in(
                    meeting=meeting, code=form.cleaned_data["code"], actor=request.user
                )
            except ServiceError as error:
                show_refusal(request, error, form)
            else:
                invitation = result.invitation
                at = timezone.localtime(invitation.checked_in_at).strftime("%H:%M")
                if result.already:
                    messages.warning(
                        request,
                        _("%(name)s was already checked in at %(time)s.")
                        % {"name": invitation.user, "time": at},
                    )
                else:
                    messages.success(
                        request,
                        _("%(name)s checked in at %(time)s.")
                        % {"name": invitation.user, "time": at},
                    )
                _warn_unexpected_guest(request, invitation)
                return redirect(url)
        found = None
    else:
        form = CheckInForm(request.GET if "code" in request.GET else None)
        found = None
        if form.is_bound and form.is_valid():
            try:
                found = checkin.invitation_for_checkin(
                    meeting=meeting, code=form.cleaned_data["code"], actor=request.user
                )
            except ServiceError as error:
                show_refusal(request, error, form)
    return render(
        request,
        "meetings/checkin.html",
        {
            "meeting": meeting,
            "form": form,
            "found": found,
            "total": attendance_total(meeting),
            "by_institution": attendance_by_institution(meeting),
            "recent": recent_checkins(meeting),
        },
    )


def invitation_portal(request, pk):
    """The invitee's own invitation: the meeting, their answer and their check-in code."""
    invitation = invitation_of(request.user, pk)
    return render(
        request,
        "meetings/invitation_portal.html",
        {
            "invitation": invitation,
            "meeting": invitation.meeting,
            "qr_svg": checkin_qr_svg(invitation),
        },
    )
