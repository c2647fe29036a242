"""The invitee's pages ("My meetings", for every role) and the signed answer link from e-mails."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import ServiceError
from core.views import show_refusal

from . import selectors, services
from .forms import AnswerForm
from .talks import slots_for_user

PAGE_SIZE = 20


def my_meetings(request):
    past = request.GET.get("when") == "past"
    page = Paginator(selectors.my_invitations(user=request.user, past=past), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "meetings/my_meetings.html", {"page": page, "past": past})


def _presented_rows(request, meeting):
    institution = selectors.institution_of(request.user)
    if institution is None or not selectors.institution_is_invited(
        meeting=meeting, institution=institution
    ):
        return None
    return selectors.presented_list_for_institution(meeting=meeting, institution=institution)


def meeting_detail(request, pk):
    meeting, invitation = selectors.meeting_for_invitee(user=request.user, pk=pk)
    form = None
    if invitation is not None:
        form = AnswerForm(
            request.POST or None,
            meeting=meeting,
            initial={
                "sub_venue": invitation.sub_venue_id,
                "substitute_name": invitation.substitute_name,
            },
        )
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            invitation = services.invitation_respond(
                invitation=invitation,
                by=request.user,
                attend=form.attend,
                substitute_name=form.cleaned_data.get("substitute_name", ""),
                sub_venue=form.cleaned_data.get("sub_venue"),
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _answer_message(invitation))
            return redirect("meetings:detail", pk=pk)
    return render(
        request,
        "meetings/meeting_detail.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "form": form,
            "waiting_place": selectors.waiting_place(invitation=invitation) if invitation else None,
            "presented": _presented_rows(request, meeting),
            # The person's own 1:1 talks, here as well as in their reminders and .ics.
            "my_talks": (
                slots_for_user(meeting, request.user)
                if meeting.status != meeting.Status.CANCELLED
                else []
            ),
        },
    )


def _answer_message(invitation):
    Response = invitation.Response
    if invitation.response == Response.ACCEPTED:
        return _("Thank you: you are registered.")
    if invitation.response == Response.WAITLISTED:
        return _(
            "The meeting is full: you are on the waiting list and will be told if a seat frees."
        )
    return _("Thank you: your answer is recorded.")


@require_POST
def talk_interest(request, pk, enterprise_id):
    meeting, _invitation = selectors.meeting_for_invitee(user=request.user, pk=pk)
    try:
        services.talk_interest_set(
            meeting=meeting,
            enterprise_id=enterprise_id,
            actor=request.user,
            interested=request.POST.get("interested") == "1",
        )
    except ServiceError as error:
        show_refusal(request, error)
    return redirect(reverse("meetings:detail", args=[pk]) + "#presented")


@login_not_required
def answer_by_link(request, token):
    """Answer from the e-mail without logging in; the signed token stands for the invitee."""
    try:
        invitation = services.invitation_from_link(token)
    except services.RsvpLinkExpired:
        return render(request, "meetings/answer_link_problem.html", {"expired": True}, status=410)
    except services.RsvpLinkInvalid:
        return render(request, "meetings/answer_link_problem.html", {"expired": False}, status=404)
    meeting = invitation.meeting
    form = AnswerForm(request.POST or None, meeting=meeting)
    done = False
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_respond(
                invitation=invitation,
                by=None,
                attend=form.attend,
                substitute_name=form.cleaned_data.get("substitute_name", ""),
                sub_venue=form.cleaned_data.get("sub_venue"),
            )
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _answer_message(invitation))
            done = True
    return render(
        request,
        "meetings/answer_by_link.html",
        {
            "invitation": invitation,
            "meeting": meeting,
            "form": form,
            "done": done,
            "waiting_place": selectors.waiting_place(invitation=invitation),
        },
    )
