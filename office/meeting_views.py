"""What was signed at a meeting, for government staff: the report and its workbook, the hall
screen's live board (大屏, also open by a secret link), the follow-up of each agreement and the
1:1 talks. Reads through ``leads.meeting_selectors`` and ``meetings.talks``; writes through their
services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import government_required
from core.errors import ServiceError
from core.exports import Column, Sheet, workbook_response
from core.views import show_refusal
from leads import meeting_selectors as signed
from meetings import talks
from meetings.board import board_token_rotate
from meetings.models import SubVenue, TalkSlot
from meetings.selectors import meeting_by_board_token, meeting_by_id

from .forms import TalkPlanForm, TalkSlotAddForm, TalkSlotMoveForm

# The hall screen asks for fresh figures this often: a signing shows within 3 seconds.
BOARD_POLL_SECONDS = 2


# --- The report -------------------------------------------------------------------------------


@government_required
def meeting_report(request, pk):
    meeting = meeting_by_id(pk=pk)
    return render(
        request,
        "office/meetings/report.html",
        {
            "meeting": meeting,
            "report": signed.meeting_report(meeting),
            "previous": signed.previous_follow_up(meeting),
        },
    )


@government_required
def meeting_report_export(request, pk):
    """Every table of the report, one sheet each."""
    meeting = meeting_by_id(pk=pk)
    report = signed.meeting_report(meeting)
    no_venue, no_chain = _("No venue recorded"), _("No chain")

    def grouped(label, rows, blank):
        return Sheet(
            title=label,
            columns=[
                Column(label, width=30),
                Column(_("Number of agreements"), Column.INT),
                Column(_("Signed"), Column.WAN),
            ],
            rows=[(row["label"] or blank, row["count"], row["signed"]) for row in rows],
        )

    sheets = [
        Sheet(
            title=_("Agreements"),
            columns=[
                Column(_("Contract number"), width=20),
                Column(_("Enterprise"), width=30),
                Column(_("Institution"), width=30),
                Column(_("Venue"), width=16),
                Column(_("Amount"), Column.WAN),
                Column(_("Annual rate (%)"), Column.DECIMAL),
                Column(_("Term (months)"), Column.INT),
                Column(_("Signed on"), Column.DATE),
            ],
            rows=[
                (
                    a.contract_number,
                    a.lead.need.enterprise.name,
                    a.institution.name,
                    a.sub_venue.name if a.sub_venue else no_venue,
                    a.amount,
                    a.rate,
                    a.term_months,
                    a.signed_on,
                )
                for a in report.agreements
            ],
        ),
        grouped(_("Institution"), report.by_institution, ""),
        grouped(_("Industry chain"), report.by_chain, no_chain),
        grouped(_("Venue"), report.by_sub_venue, no_venue),
        grouped(_("Enterprise"), report.by_enterprise, ""),
        Sheet(
            title=_("Attendance"),
            columns=[
                Column(_("Institution"), width=30),
                Column(_("Invited"), Column.INT),
                Column(_("Accepted"), Column.INT),
                Column(_("Declined"), Column.INT),
                Column(_("No answer yet"), Column.INT),
                Column(_("Checked in"), Column.INT),
            ],
            rows=[
                (
                    row["institution"],
                    row["invited"],
                    row["accepted"],
                    row["declined"],
                    row["pending"],
                    row["checked_in"],
                )
                for row in report.attendance
            ],
        ),
    ]
    return workbook_response(filename=f"meeting-{meeting.pk}-report", sheets=sheets)


# --- The live board ---------------------------------------------------------------------------


@government_required
def meeting_board_link(request, pk):
    """The organiser's page for the hall screen: the secret link, to open or rotate."""
    meeting = meeting_by_id(pk=pk)
    link = (
        request.build_absolute_uri(
            reverse("office:meeting_board_screen", kwargs={"token": meeting.board_token})
        )
        if meeting.board_token
        else ""
    )
    return render(
        request,
        "office/meetings/board_link.html",
        {"meeting": meeting, "link": link, "board": signed.meeting_board(meeting)},
    )


@government_required
@require_POST
def meeting_board_rotate(request, pk):
    meeting = meeting_by_id(pk=pk)
    try:
        board_token_rotate(meeting=meeting, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(
            request, _("A new hall-screen link is ready; the old one no longer works.")
        )
    return redirect("office:meeting_board_link", pk=pk)


@login_not_required
@never_cache
def meeting_board_screen(request, token):
    """The hall screen, opened by its secret link: enterprise and institution names and amounts,
    nothing personal."""
    meeting = meeting_by_board_token(token=token)
    return render(
        request,
        "office/meetings/board_screen.html",
        {
            "meeting": meeting,
            "board": signed.meeting_board(meeting),
            "token": token,
            "poll_seconds": BOARD_POLL_SECONDS,
        },
    )


@login_not_required
@never_cache
def meeting_board_live(request, token):
    """The part of the board that changes, polled by the hall screen."""
    meeting = meeting_by_board_token(token=token)
    return render(
        request,
        "office/meetings/_board_live.html",
        {
            "meeting": meeting,
            "board": signed.meeting_board(meeting),
            "token": token,
            "poll_seconds": BOARD_POLL_SECONDS,
        },
    )


# --- Follow-up (履约跟踪) -----------------------------------------------------------------------


@government_required
def meeting_follow_up(request, pk):
    meeting = meeting_by_id(pk=pk)
    agreements = signed.follow_up_agreements(meeting)
    days = signed.follow_up_days()
    return render(
        request,
        "office/meetings/follow_up.html",
        {
            "meeting": meeting,
            "agreements": agreements,
            "summary": signed.follow_up_summary(agreements, overdue_days=days),
            "previous": signed.previous_follow_up(meeting),
        },
    )


# --- 1:1 talks --------------------------------------------------------------------------------


def _talk_forms(meeting, **bound):
    institutions, enterprises = talks.talk_participants(meeting)
    venues = SubVenue.objects.filter(meeting=meeting)
    plan = getattr(meeting, "talk_plan", None)
    initial = (
        {
            "starts_at": timezone.localtime(plan.starts_at),
            "ends_at": timezone.localtime(plan.ends_at),
            "slot_minutes": plan.slot_minutes,
            "institution_capacity": plan.institution_capacity,
            "enterprise_capacity": plan.enterprise_capacity,
        }
        if plan
        else {
            "starts_at": timezone.localtime(meeting.starts_at),
            "ends_at": timezone.localtime(meeting.ends_at),
            "slot_minutes": talks.DEFAULT_SLOT_MINUTES,
            "institution_capacity": talks.DEFAULT_INSTITUTION_CAPACITY,
            "enterprise_capacity": talks.DEFAULT_ENTERPRISE_CAPACITY,
        }
    )
    forms = {
        "plan_form": TalkPlanForm(initial=initial),
        "add_form": TalkSlotAddForm(
            institutions=institutions, enterprises=enterprises, venues=venues
        ),
        "venues": venues,
        "plan": plan,
    }
    forms.update(bound)
    return forms


def _talks_page(request, meeting, status=200, **bound):
    return render(
        request,
        "office/meetings/talks.html",
        {
            "meeting": meeting,
            "slots": talks.meeting_talk_slots(meeting),
            **_talk_forms(meeting, **bound),
        },
        status=status,
    )


@government_required
def meeting_talks(request, pk):
    meeting = meeting_by_id(pk=pk)
    if request.method == "POST":
        form = TalkPlanForm(request.POST)
        if form.is_valid():
            try:
                slots = talks.talk_plan_propose(
                    meeting=meeting, actor=request.user, **form.cleaned_data
                )
            except ServiceError as error:
                show_refusal(request, error, form)
            else:
                messages.success(request, _("%(count)d talks proposed.") % {"count": len(slots)})
                return redirect("office:meeting_talks", pk=pk)
        return _talks_page(request, meeting, status=400, plan_form=form)
    return _talks_page(request, meeting)


@government_required
@require_POST
def meeting_talk_add(request, pk):
    meeting = meeting_by_id(pk=pk)
    institutions, enterprises = talks.talk_participants(meeting)
    form = TalkSlotAddForm(
        request.POST,
        institutions=institutions,
        enterprises=enterprises,
        venues=SubVenue.objects.filter(meeting=meeting),
    )
    if form.is_valid():
        try:
            talks.talk_slot_add(meeting=meeting, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error, form)
        else:
            messages.success(request, _("Talk added."))
            return redirect("office:meeting_talks", pk=pk)
    return _talks_page(request, meeting, status=400, add_form=form)


def _slot(meeting, slot_pk) -> TalkSlot:
    slot = talks.meeting_talk_slots(meeting).filter(pk=slot_pk).first()
    if slot is None:
        raise Http404
    return slot


@government_required
@require_POST
def meeting_talk_move(request, pk, slot_pk):
    meeting = meeting_by_id(pk=pk)
    slot = _slot(meeting, slot_pk)
    form = TalkSlotMoveForm(request.POST, venues=SubVenue.objects.filter(meeting=meeting))
    if form.is_valid():
        try:
            talks.talk_slot_move(slot=slot, actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            show_refusal(request, error)
        else:
            messages.success(request, _("Talk moved."))
            return redirect("office:meeting_talks", pk=pk)
    else:
        messages.error(request, _("Enter the new start time."))
    return redirect("office:meeting_talks", pk=pk)


@government_required
@require_POST
def meeting_talk_remove(request, pk, slot_pk):
    meeting = meeting_by_id(pk=pk)
    slot = _slot(meeting, slot_pk)
    try:
        talks.talk_slot_remove(slot=slot, actor=request.user)
    except ServiceError as error:
        show_refusal(request, error)
    else:
        messages.success(request, _("Talk removed."))
    return redirect("office:meeting_talks", pk=pk)
