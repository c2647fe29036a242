"""Every main page of every role at phone width (390×844): nothing scrolls sideways, the lead inbox
reads as cards under a collapsed filter panel, the navbar keeps its padding and the personal
settings link, and product actions stay on screen. Screenshots go to tests/e2e/screenshots/."""

import pytest
from django.urls import reverse

from core.sizing import SizeClass
from leads.models import Lead
from matchmaking.engine import rescore_need
from tests.factories import (
    EnterpriseFactory,
    FinancingNeedFactory,
    LeadFactory,
    LoanAgreementFactory,
    LoanProductFactory,
    MeetingFactory,
    ProjectFactory,
    SubVenueFactory,
)

from .conftest import SCREENSHOTS, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 390
# A full inbox page (LEADS_PER_PAGE). Before this change it was 12,600 px tall at 390 px, one
# character per line; as cards it is about 25 × 190 px. The bound leaves room for longer names.
INBOX_LEADS = 25
INBOX_MAX_HEIGHT = 7_000
# The navbar's content keeps this much space from the screen's edges.
NAVBAR_MIN_PADDING = 8


def _overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


@pytest.fixture
def district(enterprise_member, enterprise, officer_user, institution, finance_user):
    officer = officer_user.officer
    officer.role = "admin"
    officer.save(update_fields=["role"])
    enterprise.size_class = SizeClass.SMALL
    enterprise.save(update_fields=["size_class"])
    product = LoanProductFactory(
        institution=institution,
        name="清溪产业链流动资金贷款（中小微企业专享）",
        tags=["mortgage", "first_loan"],
        min_amount=1_000_000,
        max_amount=200_000_000,
    )
    LoanProductFactory(institution=institution, name="科技型企业知识产权质押贷", status="submitted")
    project = ProjectFactory(enterprise=enterprise, name="年产五万吨氟化工新材料扩建项目")
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="submitted",
        purpose="购置氟化工生产线设备及补充流动资金",
        amount=7_800_000,
        project=project,
    )
    rescore_need(need.pk)
    lead = Lead.objects.get(need=need, institution=institution)
    for i in range(INBOX_LEADS - 1):
        LeadFactory(
            institution=institution,
            product=product,
            need__enterprise__name=f"清溪县第{i}号新材料科技股份有限公司",
            need__purpose="扩大生产规模，购置原材料并支付供应商货款",
        )
    EnterpriseFactory(name="待核验的清溪锌业有限公司", verification_status="pending")
    # A meeting with an agreement signed at one of its venues: the report, the talks and the
    # dashboard have rows to lay out.
    meeting = MeetingFactory(title="清溪区2026年政银企对接会（氟化工新材料产业链专场）")
    venue = SubVenueFactory(meeting=meeting, name="工业园区分会场", is_main=True, position=0)
    LoanAgreementFactory(
        meeting=meeting,
        sub_venue=venue,
        amount=12_000_000,
        lead__need__enterprise__name="清溪恒氟新材料科技股份有限公司",
    )
    return {
        "need": need,
        "lead": lead,
        "product": product,
        "pending": enterprise,
        "meeting": meeting,
    }


def _pages(d):
    return {
        "anonymous": [
            ("login", reverse("accounts:login")),
            ("register", reverse("enterprises:register")),
            ("catalogue", reverse("catalogue")),
        ],
        "enterprise_member": [
            ("enterprise-home", reverse("enterprises:home")),
            ("need-list", reverse("enterprises:need_list")),
            ("need-detail", reverse("enterprises:need_detail", args=[d["need"].pk])),
            ("need-form", reverse("enterprises:need_create")),
            ("projects", reverse("enterprises:projects")),
            ("members", reverse("enterprises:members")),
            ("notices", reverse("accounts:notices")),
            ("preferences", reverse("accounts:preferences")),
        ],
        "officer_user": [
            ("bank-home", reverse("banks:home")),
            ("lead-inbox", reverse("banks:lead_list")),
            ("lead-detail", reverse("banks:lead_detail", args=[d["lead"].pk])),
            ("matched-needs", reverse("banks:matched_needs")),
            ("products", reverse("banks:product_list")),
            ("product-form", reverse("banks:product_create")),
            ("officers", reverse("banks:officer_list")),
        ],
        "finance_user": [
            ("office-home", reverse("office:office_home")),
            ("verification-queue", reverse("office:verification_queue")),
            ("verification-detail", reverse("office:verification_detail", args=[d["pending"].pk])),
            ("review-queue", reverse("office:product_review_queue")),
            ("scoring", reverse("office:scoring_policy")),
            ("audit-log", reverse("office:audit_log")),
            ("unserved", reverse("office:unserved_needs")),
            ("league", reverse("office:league_table")),
            ("recommendations", reverse("office:recommendations")),
            ("advisers", reverse("office:advisers")),
            ("office-enterprises", reverse("office:enterprise_list")),
            ("office-needs", reverse("office:need_list")),
            ("office-leads", reverse("office:lead_list")),
            ("office-agreements", reverse("office:agreement_list")),
            ("dashboard", reverse("office:dashboard")),
            ("funnel", reverse("office:funnel")),
            ("targets", reverse("office:annual_targets")),
            ("meetings", reverse("office:meeting_list")),
            ("meeting", reverse("office:meeting_detail", args=[d["meeting"].pk])),
            ("meeting-report", reverse("office:meeting_report", args=[d["meeting"].pk])),
            ("meeting-talks", reverse("office:meeting_talks", args=[d["meeting"].pk])),
            ("meeting-board-link", reverse("office:meeting_board_link", args=[d["meeting"].pk])),
            ("my-meetings", reverse("meetings:my_meetings")),
        ],
    }


@pytest.mark.parametrize(
    "persona", ["anonymous", "enterprise_member", "officer_user", "finance_user"]
)
def test_no_main_page_scrolls_sideways_on_a_phone(phone_page, shot, district, persona, request):
    if persona != "anonymous":
        log_in(phone_page, request.getfixturevalue(persona).username)
    too_wide = []
    for name, url in _pages(district)[persona]:
        phone_page.goto(phone_page.base_url + url)
        phone_page.wait_for_load_state()
        shot(phone_page, f"390-{persona}-{name}")
        width = _overflow(phone_page)
        if width > PHONE_WIDTH:
            too_wide.append(f"{name} {url}: {width}px")
    assert not too_wide, too_wide


def test_the_inbox_is_cards_under_a_collapsed_filter_panel_on_a_phone(
    phone_page, shot, district, officer_user
):
    log_in(phone_page, officer_user.username)
    phone_page.goto(phone_page.base_url + reverse("banks:lead_list"))
    height = phone_page.evaluate("document.scrollingElement.scrollHeight")
    print(f"inbox height at 390px with {INBOX_LEADS} leads: {height}px")
    shot(phone_page, "390-inbox-25-leads")
    phone_page.screenshot(path=str(SCREENSHOTS / "390-inbox-first-screen.png"))
    assert height < INBOX_MAX_HEIGHT
    # Each lead is a card: its enterprise, amount and status are readable without sideways scroll.
    cards = phone_page.locator("#lead-table tbody tr")
    assert cards.count() == INBOX_LEADS
    first = cards.first.bounding_box()
    assert first["width"] <= PHONE_WIDTH and first["height"] < PHONE_WIDTH

    panel = phone_page.locator("#lead-filters")
    toggle = phone_page.locator("#lead-filters-toggle")
    assert not panel.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.focus()
    phone_page.keyboard.press("Enter")
    panel.wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    shot(phone_page, "390-inbox-filters-open")


def test_the_inbox_is_a_table_with_open_filters_on_a_desktop(page, shot, district, officer_user):
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, officer_user.username)
    page.goto(page.base_url + reverse("banks:lead_list"))
    assert page.locator("#lead-filters").is_visible()
    assert page.locator("#lead-filters-toggle").is_hidden()
    assert page.locator("#lead-table thead").is_visible()
    shot(page, "1366-inbox")


def test_the_phone_navbar_has_padding_and_the_settings_link(phone_page, shot, officer_user):
    log_in(phone_page, officer_user.username)
    brand = phone_page.locator(".navbar-brand").bounding_box()
    assert brand["x"] >= NAVBAR_MIN_PADDING
    toggler = phone_page.locator(".navbar-toggler").bounding_box()
    assert toggler["x"] + toggler["width"] <= PHONE_WIDTH - NAVBAR_MIN_PADDING
    phone_page.click(".navbar-toggler")
    settings_link = phone_page.locator(f"#portal-nav a[href='{reverse('accounts:preferences')}']")
    settings_link.wait_for(state="visible")
    shot(phone_page, "390-navbar-open")


def test_product_actions_stay_on_screen_on_a_phone(phone_page, district, officer_user):
    log_in(phone_page, officer_user.username)
    phone_page.goto(phone_page.base_url + reverse("banks:product_list"))
    edit = phone_page.locator(
        f"a[href='{reverse('banks:product_edit', args=[district['product'].pk])}']"
    )
    box = edit.bounding_box()
    assert edit.is_visible() and box["x"] + box["width"] <= PHONE_WIDTH
