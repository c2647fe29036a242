"""No query string gives a server error, on any page, for any persona.

The pages come from the URL resolver: every route without path arguments, and every route with
arguments given a real row where it is a page (the others, POST-only steps, get a made-up id).
Each page is opened by every persona; where it opens, every parameter its GET forms name, plus
``page``, ``status`` and an unknown one, meets every hostile value (all parameters at once, the
values rotated), and then every value at once as a repeated key."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.models import User
from meetings.board import board_token_rotate
from meetings.services import meeting_invite, rsvp_link
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    LeadFactory,
    LoanProductFactory,
    MeetingFactory,
    MeetingInvitationFactory,
    ProjectFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE_VALUES = ["abc", "1e999999", "NaN", "Infinity", "-1", "\x00", "9" * 5000]
ALWAYS_TRIED = ["page", "status", "no_such_parameter"]
# The admin is Django's own (it answers bad filters with ?e=1); every other namespace is ours.
SKIPPED_NAMESPACES = {"admin"}
GET_FORM = re.compile(r'<form[^>]*method="get"[^>]*>(.*?)</form>', re.S | re.I)
FIELD_NAME = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"', re.I)


def _routes(resolver=None, prefix=""):
    """(route name, names of its path arguments) for every named route of the portal."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = entry.namespace
            if namespace in SKIPPED_NAMESPACES:
                continue
            yield from _routes(entry, f"{prefix}{namespace}:" if namespace else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix}{entry.name}", sorted(entry.pattern.regex.groupindex)


@pytest.fixture
def world(enterprise_member, enterprise, officer_user, institution, finance_user, bureau_user):
    """Real rows for the pages with path arguments."""
    need = FinancingNeedFactory(enterprise=enterprise, status="submitted")
    lead = LeadFactory(need=need, institution=institution)
    product = LoanProductFactory(institution=institution, status="submitted")
    project = ProjectFactory(enterprise=enterprise)
    pending = EnterpriseFactory(verification_status="pending", credit_code="91440300708461136T")
    invitation = _officer_invitation(officer_user, institution)
    meeting = MeetingFactory(capacity=5, title="季度政银企对接会")
    [invited] = meeting_invite(meeting=meeting, actor=finance_user, enterprises=[enterprise])

    meeting_invitation = MeetingInvitationFactory(user=enterprise_member)
    board_token = board_token_rotate(meeting=meeting, actor=finance_user)
    return {
        "office:meeting_detail": {"pk": meeting.pk},
        "office:meeting_edit": {"pk": meeting.pk},
        "office:meeting_invite": {"pk": meeting.pk},
        "meetings:detail": {"pk": meeting.pk},
        "meetings:answer_by_link": {"token": rsvp_link(invited).rsplit("/", 2)[-2]},
        "office:meeting_report": {"pk": meeting.pk},
        "office:meeting_report_export": {"pk": meeting.pk},
        "office:meeting_follow_up": {"pk": meeting.pk},
        "office:meeting_talks": {"pk": meeting.pk},
        "office:meeting_board_link": {"pk": meeting.pk},
        "office:meeting_board_screen": {"token": board_token},
        "office:meeting_board_live": {"token": board_token},
        "enterprises:need_detail": {"pk": need.pk},
        "enterprises:need_edit": {"pk": need.pk},
        "enterprises:need_after_declines": {"pk": need.pk},
        "enterprises:project_edit": {"pk": project.pk},
        "banks:lead_detail": {"pk": lead.pk},
        "banks:product_edit": {"pk": product.pk},
        "banks:invitation_accept": {"token": invitation.token},
        "enterprises:invitation_accept": {"token": "no-such-token"},
        "office:verification_detail": {"pk": pending.pk},
        "office:product_review": {"pk": product.pk},
        "office:meeting_reminders": {"pk": meeting_invitation.meeting_id},
        "office:meeting_checkin": {"pk": meeting_invitation.meeting_id},
        "meetings:invitation_portal": {"pk": meeting_invitation.pk},
        "office:need_detail": {"pk": need.pk},
        "office:lead_detail": {"pk": lead.pk},
        "office:unserved_push": {"pk": need.pk},
        "office:league_shared": {"token": _share_link(finance_user).token},
    }


def _share_link(finance_user):
    from office.services import league_share_link_create

    return league_share_link_create(actor=finance_user, days=7)


def _officer_invitation(officer_user, institution):
    from banks.models import OfficerInvitation

    return OfficerInvitation.objects.create(
        institution=institution,
        email="new@example.cn",
        invited_by=officer_user,
        token="hostile-query-strings",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )


PERSONAS = ["anonymous", "enterprise member", "officer", "bureau", "finance office"]


@pytest.fixture
def persona_user(request, world, enterprise_member, officer_user, finance_user, bureau_user):
    return {
        "anonymous": None,
        "enterprise member": enterprise_member,
        "officer": officer_user,
        "bureau": bureau_user,
        "finance office": finance_user,
    }[request.param]


def _client(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _parameters_on(html: str) -> list[str]:
    names = {name for form in GET_FORM.findall(html) for name in FIELD_NAME.findall(form)}
    return sorted(names | set(ALWAYS_TRIED))


def _pages(world):
    pages = []
    for name, arguments in _routes():
        if not arguments:
            pages.append((name, reverse(name)))
        elif name in world:
            pages.append((name, reverse(name, kwargs=world[name])))
        else:
            # An action (a POST-only step): opened with a made-up id, it must still answer.
            kwargs = {arg: "contact" if arg == "action" else 1 for arg in arguments}
            pages.append((name, reverse(name, kwargs=kwargs)))
    return pages


@pytest.mark.parametrize("persona_user", PERSONAS, indirect=True)
def test_no_query_string_gives_a_server_error(world, persona_user):
    failures = []
    pages = _pages(world)
    assert len(pages) >= 40, "the resolver walk found the portal's pages"
    client = _client(persona_user)
    for name, url in pages:
        plain = client.get(url)
        if plain.status_code >= 500:
            failures.append((name, "plain", plain.status_code))
            continue
        if plain.status_code == 200 and not plain.streaming:
            parameters = _parameters_on(plain.content.decode())
            # Every parameter hostile at once, each with a different value, rotated so that
            # every parameter meets every value; the forms check each field on its own.
            attempts = [
                {
                    p: HOSTILE_VALUES[(i + shift) % len(HOSTILE_VALUES)]
                    for i, p in enumerate(parameters)
                }
                for shift in range(len(HOSTILE_VALUES))
            ]
        else:
            # Refused before any parameter is read: the repeated keys below are enough.
            parameters, attempts = ALWAYS_TRIED, []
        attempts.append(dict.fromkeys(parameters, HOSTILE_VALUES))  # every key repeated
        for query in attempts:
            response = client.get(url, query)
            if response.status_code >= 500:
                failures.append((name, query, response.status_code))
    assert not failures, failures[:10]


@pytest.mark.parametrize(
    "query",
    [
        {"institution": "abc"},
        {"amount": "1e999999"},
        {"amount": "NaN"},
        {"amount": "Infinity"},
        {"tag": "credit\x00"},
        {"product_type": "\x00"},
        {"institution": "99999999999999999999"},
    ],
)
def test_the_catalogue_names_the_filter_it_ignored(client, query):
    response = client.get(reverse("catalogue"), query)
    assert response.status_code == 200
    assert "已忽略筛选条件" in response.content.decode()


def test_the_catalogue_filters_by_a_full_width_amount(client):
    small = LoanProductFactory(min_amount=100 * 10_000, max_amount=500 * 10_000)
    LoanProductFactory(min_amount=1000 * 10_000, max_amount=5000 * 10_000)
    response = client.get(reverse("catalogue"), {"amount": "２００"})
    assert [p.pk for p in response.context["page"].object_list] == [small.pk]


def test_the_lead_inbox_names_a_bad_amount(client, officer_user):
    client.force_login(officer_user)
    response = client.get(reverse("banks:lead_list"), {"amount_min": "1e999999"})
    assert response.status_code == 200
    assert "已忽略筛选条件" in response.content.decode()


def test_the_audit_log_refuses_an_object_number_beyond_the_database(client, finance_user):
    client.force_login(finance_user)
    response = client.get(reverse("office:audit_log"), {"object_id": "9" * 30})
    assert response.status_code == 200
    assert response.context["form"].errors["object_id"]
