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

from banks.models import LoanProduct
from core.models import PortalSettings
from core.reference import Collateral
from core.sizing import Industry, Measure, SizeClass
from enterprises.services import project_archive
from leads.models import Lead
from leads.services import (
    lead_approve,
    lead_claim,
    lead_record_contact,
    lead_start_review,
    loan_agreement_sign,
)
from matchmaking.engine import rescore_need
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    LoanProductFactory,
    MeetingFactory,
    OfficerFactory,
    ProjectFactory,
)

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
        if model._meta.app_label not in {
            "core",
            "accounts",
            "banks",
            "enterprises",
            "matchmaking",
            "meetings",
            "leads",
            "office",
        }:
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
    MeetingFactory(title="季度政银企对接会")
    MeetingFactory(
        title="2022年政银企对接会",
        starts_at=dt.datetime(2022, 6, 1, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2022, 6, 1, 12, tzinfo=dt.UTC),
    )
    PortalSettings.objects.get_or_create(pk=1)
    open_lead = Lead.objects.get(need=need, institution=institution)
    return {
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
        "enterprises:need_matches": {"pk": signed_need.pk},
        "enterprises:need_reply": {"pk": need.pk, "lead_pk": open_lead.pk},
        "banks:agreement_correction_request": {"pk": lead.pk},
        # POST-only doors: a GET is refused, nothing to scan.
        "office:agreement_correction_decide": {"pk": lead.pk},
        # Django's reset page for a link that is not valid (an invalid-link message).
        "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
        # The same page in another state: the open lead, the need still being worked.
        "_extra": [
            ("banks:lead_detail", {"pk": open_lead.pk}),
            ("enterprises:need_detail", {"pk": need.pk}),
        ],
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
        "anonymous": {"accounts:login", "catalogue", "enterprises:register"},
        "enterprise_member": {
            "enterprises:home",
            "enterprises:need_detail",
            "enterprises:projects",
        },
        "officer_user": {"banks:lead_list", "banks:lead_detail", "banks:matched_needs"},
        "finance_user": {"office:office_home", "office:product_review", "office:audit_log"},
        "bureau_user": {"office:office_home", "office:verification_detail"},
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
