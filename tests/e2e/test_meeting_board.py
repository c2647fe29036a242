"""Item 8 of issue 10: the hall screen, open by its link without a login, shows a signing an officer
records in another browser at its next poll (every 2 seconds)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from leads.models import Lead, LoanAgreement
from meetings.board import board_token_rotate
from tests.factories import (
    FinancingNeedFactory,
    LeadFactory,
    LoanAgreementFactory,
    LoanProductFactory,
    MeetingFactory,
    SubVenueFactory,
)

from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Two polls' time: the board asks every 2 seconds; a slow CI machine gets one poll of slack.
BOARD_WAIT_MS = 5000


def test_the_board_shows_a_signing_made_in_another_browser(
    browser, live_server, shot, officer_user, enterprise, finance_user
):
    meeting = MeetingFactory(
        title="清溪区政银企对接会", starts_at=timezone.now() - dt.timedelta(hours=1)
    )
    SubVenueFactory(meeting=meeting, name="主会场", is_main=True, position=0)
    town = SubVenueFactory(meeting=meeting, name="白鹤镇分会场", position=1)
    SubVenueFactory(meeting=MeetingFactory(title="别的会"), name="石门镇分会场")
    LoanAgreementFactory(
        meeting=meeting,
        sub_venue=town,
        amount=Decimal("20000000.00"),
        lead__need__enterprise__name="先签约企业有限公司",
    )
    token = board_token_rotate(meeting=meeting, actor=finance_user)
    officer = officer_user.officer
    need = FinancingNeedFactory(
        enterprise=enterprise,
        status="in_progress",
        amount=Decimal("5000000.00"),
        submitted_at=timezone.now() - dt.timedelta(days=10),
    )
    lead = LeadFactory(
        need=need,
        institution=officer.institution,
        product=LoanProductFactory(institution=officer.institution),
        status=Lead.Status.APPROVED,
    )

    hall = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    board = hall.new_page()
    board.goto(f"{live_server.url}/office/meetings/board/{token}/")
    expect(board.locator("#board-total")).to_have_text("0.20亿元")
    expect(board.locator("#board-count")).to_have_text("1")

    desk = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = desk.new_page()
    page.base_url = live_server.url
    log_in(page, officer_user.username)
    page.goto(f"{live_server.url}/bank/leads/{lead.pk}/")
    page.select_option("#id_meeting", str(meeting.pk))
    # The venue list reloads with this meeting's venues only.
    expect(page.locator("#id_sub_venue option", has_text="石门镇分会场")).to_have_count(0)
    page.select_option("#id_sub_venue", label="白鹤镇分会场")
    page.fill("#id_amount", "480")
    page.fill("#id_rate", "3.85")
    page.fill("#id_term_months", "12")
    page.fill("#id_contract_number", "QX-HALL-0001")
    page.click("button:has-text('登记签约')")
    page.wait_for_load_state()
    assert LoanAgreement.objects.filter(contract_number="QX-HALL-0001", sub_venue=town).exists()

    # 2,000万 + 480万 = 2,480万元 = 0.248亿元, shown to two decimals.
    expect(board.locator("#board-count")).to_have_text("2", timeout=BOARD_WAIT_MS)
    expect(board.locator("#board-total")).to_have_text("0.25亿元")
    expect(board.locator("#board-latest li").first).to_contain_text(enterprise.name)
    expect(board.locator("#board-venues")).to_contain_text("2,480.00万元")
    shot(board, "30-meeting-board")
    desk.close()
    hall.close()
