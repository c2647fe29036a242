"""No page shows a raw value: every page each persona can reach is rendered with data built here
and its visible text is scanned for enum codes, long floats, Django's empty choice and yuan
amounts not written in 万元/亿元.

The pages come from the URL resolver, so a new page is scanned as soon as it is routed; a new URL
with parameters must say here which object it shows (``URL_KWARGS``) or this test fails.
"""

import datetime as dt
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from banks.models import LoanProduct
from core.models import PortalSettings
from core.reference import Collateral
from core.sizing import Industry, Measure, SizeClass
from enterprises.services import project_archive
from leads.models import Disbursement, Lead, LoanAgreement
from leads.services import (
    lead_approve,
    lead_claim,
    lead_record_contact,
    lead_start_review,
    loan_agreement_sign,
)
from matchmaking.engine import rescore_need
from meetings import services as meeting_services
from meetings.board import board_token_rotate
from meetings.models import MeetingInvitation, ReminderDelivery, SubVenue, TalkPlan, TalkSlot
from office.services import league_share_link_create
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    LoanProductFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    OfficerFactory,
    ProjectFactory,
)
from tests.refusals import PORTAL_APPS

pytestmark = pytest.mark.django_db

# Areas outside the portal's own pages: Django's admin has its own look, set_language only redirects.
SKIPPED_NAMESPACES = ("admin",)
SKIPPED_NAMES = {"set_language", "accounts:logout"}

LONG_FLOAT = re.compile(r"(?<![\d.])\d+\.\d{3,}(?![\d.])")
EMPTY_CHOICE = "---------"
# A yuan amount of five or more integer digits written as yuan: 10,000元 should read 1.00万元.
RAW_YUAN = re.compile(r"(?<![\d,.])(?:\d{1,3}(?:,\d{3})+|\d{5,})(?:\.\d+)?\s*(?:元|yuan)")
TOKEN = re.compile(r"[A-Za-z0-9_@.\-]+")


def _portal_enum_codes() -> set[str]:
    """Every value of every TextChoices the portal's own apps and core define."""
    choices = {Collateral, Industry, SizeClass, Measure}
    for model in apps.get_models():
        if model._meta.app_label not in PORTAL_APPS:
            continue
        for attr in vars(model).values():
            if isinstance(attr, type) and issubclass(attr, models.TextChoices):
                choices.add(attr)
    from banks.models import PolicyTag

    choices.add(PolicyTag)
    return {value for enum in choices for value in enum.values}


class _VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script, style and template, plus <option>s."""

    HIDDEN = {"script", "style", "template", "noscript"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
        # Separate cells and blocks so "A</td><td>B" does not read as "AB".
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", "".join(parser.parts))


def raw_values(text: str, codes: set[str]) -> list[str]:
    found = [f"long float {m}" for m in LONG_FLOAT.findall(text)]
    if EMPTY_CHOICE in text:
        found.append("Django's empty choice ---------")
    found += [f"yuan amount {m!r}" for m in RAW_YUAN.findall(text)]
    found += [f"enum code {t}" for t in TOKEN.findall(text) if t.strip(".") in codes]
    return found


def _routed_pages():
    """(name, pattern) for every named URL of the portal, derived from the resolver."""

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace in SKIPPED_NAMESPACES:
                    continue
                inner = (
                    f"{namespace}:{p.namespace}"
                    if namespace and p.namespace
                    else (p.namespace or namespace)
                )
                yield from walk(p.url_patterns, inner)
            elif isinstance(p, URLPattern) and p.name:
                name = f"{namespace}:{p.name}" if namespace else p.name
                if name not in SKIPPED_NAMES:
                    yield name, p

    return list(walk(get_resolver().url_patterns, ""))


@pytest.fixture
def world(enterprise_member, enterprise, officer_user, institution, finance_user, bureau_user):
    """A district with something on every page: products of every kind, a signed agreement worth
    780万元 (a raw "7,800,000.00元" is what the scan must not see), matches, leads, a pending
    enterprise, a meeting, notices and audit rows."""
    officer = officer_user.officer
    enterprise.size_class = SizeClass.SMALL
    enterprise.save(update_fields=["size_class"])
    OfficerFactory(institution=institution, role="admin")
    officer.role = "admin"
    officer.save(update_fields=["role"])
    big = LoanProductFactory(
        institution=institution,
        name="清溪产业链贷",
        min_amount=Decimal("1000000.00"),
        max_amount=Decimal("200000000.00"),
        eligible_size_classes=[SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM],
        tags=["mortgage", "first_loan"],
    )
    submitted = LoanProductFactory(
        institution=institution,
        name="待审产品",
        status=LoanProduct.Status.SUBMITTED,
        eligible_size_classes=[SizeClass.MICRO],
    )
    LoanProductFactory(institution=institution, name="草稿产品", status=LoanProduct.Status.DRAFT)
    project = ProjectFactory(
        enterprise=enterprise, name="新厂房", total_investment=Decimal("3.5e8")
    )
    archived = ProjectFactory(enterprise=enterprise, name="旧仓库")
    project_archive(project=archived, actor=enterprise_member)
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="submitted",
        amount=Decimal("7500000.00"),
        purpose="购置设备",
        project=project,
        needed_by=dt.date(2026, 12, 31),
    )
    signed_need = FinancingNeedFactory(
        enterprise=enterprise, status="submitted", amount=Decimal("7800000.00"), purpose="扩产"
    )
    other_need = FinancingNeedFactory(
        enterprise__name="清溪锌业有限公司",
        enterprise__size_class=SizeClass.MICRO,
        status="submitted",
        purpose="采购锌锭",
    )
    for n in (need, signed_need, other_need):
        rescore_need(n.pk)
    # The institution gives up the other enterprise's lead, so the need shows on "other matched
    # needs" with its best score (a Max() over scores: the raw "61.0300000000000" case).
    Lead.objects.filter(need=other_need, institution=institution).delete()
    lead = Lead.objects.get(need=signed_need, institution=institution)
    lead_claim(lead=lead, officer=officer)
    lead_record_contact(lead=lead, officer=officer, note="已电话联系")
    lead_start_review(lead=lead, officer=officer)
    lead_approve(lead=lead, officer=officer)
    loan_agreement_sign(
        lead=lead,
        officer=officer,
        amount=Decimal("7800000.00"),
        rate=Decimal("3.85"),
        term_months=24,
        signed_on=dt.date.today(),
        contract_number="ICBC-QX-2026-0001",
        meeting=None,
    )
    EnterpriseFactory(name="待审核企业有限公司", verification_status="pending")
    upcoming = MeetingFactory(title="季度政银企对接会")
    invited = MeetingInvitationFactory(
        meeting=upcoming, user=enterprise_member, response="accepted", checked_in_at=timezone.now()
    )
    MeetingInvitationFactory(meeting=upcoming, user=officer_user, response="pending")
    ReminderDelivery.objects.create(
        meeting=upcoming,
        user=enterprise_member,
        channel="email",
        kind="reminder",
        occurrence_start=upcoming.starts_at,
        offset_minutes=10080,
        status="failed",
        attempts=5,
        last_error="SMTPRecipientsRefused: 550 mailbox unavailable",
    )
    held = MeetingFactory(
        title="2022年政银企对接会",
        starts_at=dt.datetime(2022, 6, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2022, 6, 1, 12, tzinfo=dt.UTC),
        status="held",
    )
    # The agreement was signed at the held meeting's main venue, and half of it paid out since.
    venue = SubVenue.objects.create(meeting=held, name="主会场", is_main=True)
    signed = LoanAgreement.objects.get(lead=lead)
    LoanAgreement.objects.filter(pk=signed.pk).update(meeting=held, sub_venue=venue)
    Disbursement.objects.create(
        agreement=signed,
        amount=Decimal("3900000.00"),
        disbursed_on=dt.date.today(),
        recorded_by=officer_user,
    )
    MeetingInvitation.objects.create(meeting=held, user=officer_user, response="accepted")
    board_token = board_token_rotate(meeting=held, actor=finance_user)
    TalkPlan.objects.create(
        meeting=upcoming,
        starts_at=upcoming.starts_at,
        ends_at=upcoming.ends_at,
        slot_minutes=15,
        institution_capacity=6,
        enterprise_capacity=3,
    )
    talk = TalkSlot.objects.create(
        meeting=upcoming,
        institution=institution,
        enterprise=enterprise,
        need=need,
        starts_at=upcoming.starts_at,
        ends_at=upcoming.starts_at + dt.timedelta(minutes=15),
        score=Decimal("61.03"),
    )
    PortalSettings.objects.get_or_create(pk=1)
    open_lead = Lead.objects.get(need=need, institution=institution)
    meetings = _meeting_world(
        finance_user,
        bureau_user,
        institution,
        enterprise,
        enterprise_member,
        officer_user,
        need,
        project,
    )
    return {
        **meetings,
        "enterprises:project_edit": {"pk": project.pk},
        "enterprises:project_archive": {"pk": project.pk},
        "enterprises:need_edit": {"pk": need.pk},
        "enterprises:need_submit": {"pk": need.pk},
        "enterprises:need_withdraw": {"pk": need.pk},
        "enterprises:need_revoke_access": {"pk": need.pk, "institution_id": institution.pk},
        "enterprises:need_detail": {"pk": signed_need.pk},
        "enterprises:need_after_declines": {"pk": need.pk},
        "enterprises:member_remove": {"user_id": enterprise_member.pk},
        "enterprises:invitation_accept": {"token": "no-such-token"},
        "banks:invitation_accept": {"token": "no-such-token"},
        "banks:lead_detail": {"pk": lead.pk},
        "banks:lead_claim": {"pk": open_lead.pk},
        "banks:lead_assign": {"pk": open_lead.pk},
        "banks:lead_decline": {"pk": open_lead.pk},
        "banks:lead_sign": {"pk": open_lead.pk},
        "banks:lead_step": {"pk": open_lead.pk, "action": "contact"},
        "banks:need_take": {"need_id": other_need.pk},
        "banks:product_edit": {"pk": big.pk},
        "banks:product_submit": {"pk": big.pk},
        "banks:product_retire": {"pk": big.pk},
        "banks:officer_role": {"pk": officer.pk},
        "banks:officer_remove": {"pk": officer.pk},
        "office:verification_detail": {"pk": enterprise.pk},
        "office:project_key_flag": {"pk": project.pk},
        "office:product_review": {"pk": submitted.pk},
        "office:meeting_reminders": {"pk": upcoming.pk},
        "office:meeting_checkin": {"pk": upcoming.pk},
        "meetings:invitation_portal": {"pk": invited.pk},
        "office:need_detail": {"pk": signed_need.pk},
        "enterprises:advised_detail": {"pk": enterprise.pk},
        "office:lead_detail": {"pk": lead.pk},
        "office:unserved_push": {"pk": need.pk},
        "office:league_shared": {
            "token": league_share_link_create(actor=finance_user, days=7).token
        },
        # POST-only doors.
        "office:share_link_revoke": {"pk": 1},
        "office:recommendation_withdraw": {"pk": 1},
        "office:adviser_end": {"pk": 1},
        "enterprises:need_matches": {"pk": signed_need.pk},
        "enterprises:need_reply": {"pk": need.pk, "lead_pk": open_lead.pk},
        "banks:agreement_correction_request": {"pk": lead.pk},
        "banks:disbursement_record": {"pk": lead.pk},
        "office:meeting_report": {"pk": held.pk},
        "office:meeting_report_export": {"pk": held.pk},
        "office:meeting_board_link": {"pk": held.pk},
        "office:meeting_board_rotate": {"pk": held.pk},
        "office:meeting_board_screen": {"token": board_token},
        "office:meeting_board_live": {"token": board_token},
        "office:meeting_follow_up": {"pk": held.pk},
        "office:meeting_talks": {"pk": upcoming.pk},
        "office:meeting_talk_add": {"pk": upcoming.pk},
        "office:meeting_talk_move": {"pk": upcoming.pk, "slot_pk": talk.pk},
        "office:meeting_talk_remove": {"pk": upcoming.pk, "slot_pk": talk.pk},
        # POST-only doors: a GET is refused, nothing to scan.
        "office:agreement_correction_decide": {"pk": lead.pk},
        # Django's reset page for a link that is not valid (an invalid-link message).
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        # The same page in another state: the open lead, the need still being worked.
        "_extra": [
            ("banks:lead_detail", {"pk": open_lead.pk}),
            ("enterprises:need_detail", {"pk": need.pk}),
            # The next meeting opens with the held one's follow-up figures.
            ("office:meeting_report", {"pk": upcoming.pk}),
        ],
    }


def _meeting_world(finance, bureau, institution, enterprise, member, officer_user, need, project):
    """A monthly series with a venue, invitations in every state and a presented list."""
    project.is_key_project = True
    project.save(update_fields=["is_key_project"])
    series = meeting_services.series_create(
        actor=finance,
        title="月度政银企早餐会",
        kind="bank_event",
        institution=institution,
        rule="first_workday",
        first_date=dt.date.today() + dt.timedelta(days=1),
        start_time=dt.time(8, 0),
        duration_minutes=90,
        generate_until=dt.date.today() + dt.timedelta(days=70),
        location="区金融服务中心",
        capacity=1,
    )
    meeting = series.occurrences.order_by("starts_at").first()
    venue = meeting_services.venue_save(
        meeting=meeting, actor=finance, name="主会场", is_main=True, capacity=30
    )
    invited = meeting_services.meeting_invite(
        meeting=meeting,
        actor=finance,
        institutions=[institution],
        enterprises=[enterprise],
        government_users=[bureau],
    )
    answers = {member.pk: False, officer_user.pk: True, bureau.pk: True}
    for invitation in invited:
        if invitation.user_id in answers:
            meeting_services.invitation_respond(
                invitation=invitation,
                by=invitation.user,
                attend=answers[invitation.user_id],
                substitute_name="李副总",
            )
    meeting_services.presented_item_add(meeting=meeting, actor=finance, need=need)
    item = meeting_services.presented_item_add(meeting=meeting, actor=finance, project=project)
    meeting_services.talk_interest_set(
        meeting=meeting, enterprise_id=enterprise.pk, actor=officer_user, interested=True
    )
    mine = MeetingInvitation.objects.get(meeting=meeting, user=member)
    return {
        "office:series_detail": {"pk": series.pk},
        "office:meeting_detail": {"pk": meeting.pk},
        "office:meeting_edit": {"pk": meeting.pk},
        "office:meeting_invite": {"pk": meeting.pk},
        "office:meeting_cancel": {"pk": meeting.pk},
        "office:venue_create": {"pk": meeting.pk},
        "office:venue_edit": {"pk": meeting.pk, "venue_pk": venue.pk},
        "office:venue_delete": {"pk": meeting.pk, "venue_pk": venue.pk},
        "office:invitation_withdraw": {"pk": meeting.pk, "invitation_pk": mine.pk},
        "office:presented_add": {"pk": meeting.pk},
        "office:presented_remove": {"pk": meeting.pk, "item_pk": item.pk},
        "meetings:detail": {"pk": meeting.pk},
        "meetings:talk_interest": {"pk": meeting.pk, "enterprise_id": enterprise.pk},
        "meetings:answer_by_link": {"token": meeting_services.rsvp_link(mine).rsplit("/", 2)[-2]},
    }


def _pages_of(url_kwargs):
    pages = []
    for name, pattern in _routed_pages():
        if pattern.pattern.converters:
            assert name in url_kwargs, f"{name} has parameters: say in URL_KWARGS what it shows"
            pages.append((name, reverse(name, kwargs=url_kwargs[name])))
        else:
            pages.append((name, reverse(name)))
    pages += [(name, reverse(name, kwargs=kw)) for name, kw in url_kwargs["_extra"]]
    return pages


PERSONAS = ["anonymous", "enterprise_member", "officer_user", "finance_user", "bureau_user"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_a_raw_value(persona, world, client, request):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    codes = _portal_enum_codes()
    scanned, problems = [], []
    for name, url in _pages_of(world):
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        scanned.append(name)
        for found in raw_values(visible_text(response.content.decode()), codes):
            problems.append(f"{url} ({name}): {found}")
    # The scan must have reached the persona's main pages, or it proves nothing.
    expected = {
        "anonymous": {
            "accounts:login",
            "catalogue",
            "enterprises:register",
            "meetings:answer_by_link",
            "office:meeting_board_screen",
        },
        "enterprise_member": {
            "enterprises:home",
            "enterprises:need_detail",
            "enterprises:projects",
            "meetings:my_meetings",
            "meetings:detail",
            "meetings:invitation_portal",
        },
        "officer_user": {
            "banks:lead_list",
            "banks:lead_detail",
            "banks:matched_needs",
            "meetings:detail",
        },
        "finance_user": {
            "office:office_home",
            "office:product_review",
            "office:audit_log",
            "office:meeting_list",
            "office:meeting_detail",
            "office:meeting_invite",
            "office:series_detail",
            "office:meeting_reminders",
            "office:meeting_checkin",
            "office:meeting_report",
            "office:meeting_follow_up",
            "office:meeting_talks",
            "office:meeting_board_link",
            "office:league_table",
            "office:league_shared",
            "office:need_list",
            "office:need_detail",
            "office:lead_detail",
            "office:agreement_list",
            "office:recommendations",
            "office:advisers",
            "office:unserved_needs",
        },
        "bureau_user": {
            "office:office_home",
            "office:verification_detail",
            "office:meeting_detail",
            "meetings:detail",
            "office:recommendations",
            "office:league_table",
        },
    }[persona]
    assert expected <= set(scanned), f"not scanned: {expected - set(scanned)}"
    assert not problems, "\n".join(problems)


def test_the_scan_sees_each_kind_of_raw_value():
    """The detector itself: each raw form the issue lists is caught, the formatted one is not."""
    codes = _portal_enum_codes()
    html = (
        "<td>61.0300000000000</td><dd>micro</dd><option>---------</option>"
        "<p>7,800,000.00元</p><script>var s = 'micro';</script>"
    )
    found = raw_values(visible_text(html), codes)
    assert len(found) == 4, found
    assert not raw_values(visible_text("<p>780.00万元 · 61.03分 · 7.48亿元 · 127.0.0.1</p>"), codes)
