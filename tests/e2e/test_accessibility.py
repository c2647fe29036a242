"""WCAG 2.0/2.1 A and AA with axe-core (vendored, pinned) over every page each role reaches from its
navigation, in Chinese and English, with each main form also shown with its errors, and the empty
states of people who have no data yet. The crawler (tests/e2e/axe.py) finds the pages itself, so a
new page linked from a menu is covered without being listed here.

Run alone: ``pytest tests/e2e/test_accessibility.py -n 0 -p no:cacheprovider`` (about 3 minutes on
two cores: one browser context per role and language)."""

import pytest
from django.urls import reverse

from demo.builders import build_demo_district
from meetings.board import board_token_rotate
from meetings.models import Meeting

from .axe import AxeReport, crawl_and_check, run_axe
from .conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "demo12345"
# Demo logins (demo/data.py): one per role of the issue.
ROLES = {
    "anonymous": None,
    "enterprise-admin": "qiye",
    "officer-institution-admin": "yinhang",
    "finance-office": "jinrongban",
    "bureau": "fagaiju",
}
LANGUAGES = ["zh-hans", "en"]
# The crawl must reach at least these pages, or it has silently stopped following links.
EXPECTED = {
    "anonymous": {
        "/accounts/login/",
        "/catalogue/",
        "/enterprise/register/",
        "/accounts/accessibility/",
    },
    "enterprise-admin": {
        "/enterprise/",
        "/enterprise/needs/",
        "/enterprise/needs/new/",
        "/enterprise/needs/<id>/",
    },
    "officer-institution-admin": {
        "/bank/",
        "/bank/leads/",
        "/bank/leads/<id>/",
        "/bank/products/new/",
    },
    "finance-office": {
        "/office/",
        "/office/verifications/",
        "/office/scoring/",
        "/office/audit/",
        # The dashboard, the meetings and the "Reviews" and "Lists" menus, and a level below them.
        "/office/dashboard/",
        "/office/funnel/",
        "/office/targets/",
        "/office/meetings/",
        "/office/meetings/new/",
        "/office/meetings/series/new/",
        "/office/meetings/<id>/",
        "/office/meetings/<id>/invite/",
        "/office/meetings/<id>/report/",
        "/office/meetings/<id>/talks/",
        "/office/meetings/<id>/board/",
        "/office/meetings/<id>/follow-up/",
        "/office/meetings/<id>/reminders/",
        "/office/meetings/<id>/check-in/",
        "/office/unserved/",
        "/office/unserved/<id>/push/",
        "/office/league/",
        "/office/recommendations/",
        "/office/advisers/",
        "/office/lists/needs/",
        "/enterprise/advised/",
        "/meetings/",
    },
    # The verification queue is the finance office's alone (its "Reviews" menu); a bureau has none.
    "bureau": {
        "/office/",
        "/office/dashboard/",
        "/office/meetings/",
        "/office/recommendations/",
        "/office/league/",
    },
}
# Forms the crawl must have sent empty and checked with their errors shown.
EXPECTED_FORMS = {
    "finance-office": {
        "/office/meetings/new/",
        "/office/meetings/series/new/",
        "/office/meetings/<id>/invite/",
        "/office/meetings/<id>/",  # a venue, the cancel reason
        "/office/meetings/<id>/talks/",
        "/office/meetings/<id>/check-in/",
        "/office/targets/",
        "/office/unserved/<id>/push/",
        "/office/league/",  # a share link
        "/office/advisers/",
    },
    "bureau": {"/office/recommendations/"},
}
# The meeting pages sit three links from the office's home (menu, meeting, its report's tabs).
DEPTH = 3


def _context(browser, live_server, language, **kwargs):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN", **kwargs)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    return context, page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_a_role_reaches_passes_axe(browser, live_server, role, language):
    build_demo_district()
    context, page = _context(browser, live_server, language)
    try:
        if ROLES[role]:
            log_in(page, ROLES[role], DEMO_PASSWORD)
            start = page.url
        else:
            start = live_server.url + reverse("accounts:login")
        report = AxeReport()
        crawl_and_check(page, start, label=f"{role}/{language}", report=report, depth=DEPTH)
    finally:
        context.close()
    print(f"{role}/{language}: {len(report.pages)} pages, {len(report.forms)} forms with errors")
    reached = {entry.split(" ", 1)[1] for entry in report.pages}
    assert EXPECTED[role] <= reached, sorted(EXPECTED[role] - reached)
    assert report.forms, "no form was checked in its error state"
    sent = {entry.split(" ")[1] for entry in report.forms}
    assert EXPECTED_FORMS.get(role, set()) <= sent, sorted(EXPECTED_FORMS[role] - sent)
    assert not report.violations, "\n".join(report.violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_empty_states_pass_axe(
    browser, live_server, language, enterprise_member, institution_admin, finance_user, bureau_user
):
    """People with no data yet: an enterprise without needs, an institution without leads or
    products, an office with nothing to verify."""
    report = AxeReport()
    for user in (enterprise_member, institution_admin, finance_user, bureau_user):
        context, page = _context(browser, live_server, language)
        try:
            log_in(page, user.username)
            crawl_and_check(
                page, page.url, label=f"{user.username}/{language}", report=report, depth=1
            )
        finally:
            context.close()
    assert len(report.pages) >= 20
    assert not report.violations, "\n".join(report.violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_live_board_passes_axe(browser, live_server, language, finance_user):
    """The hall screen (light text on a dark page) is opened by its secret link, which no menu
    shows until the office makes one."""
    build_demo_district()
    meeting = Meeting.objects.filter(agreements__isnull=False).distinct().first()
    token = board_token_rotate(meeting=meeting, actor=finance_user)
    context, page = _context(browser, live_server, language)
    try:
        report = AxeReport()
        crawl_and_check(
            page,
            live_server.url + reverse("office:meeting_board_screen", kwargs={"token": token}),
            label=f"board/{language}",
            report=report,
            depth=0,
        )
    finally:
        context.close()
    assert report.pages == [f"board/{language} /office/meetings/board/<id>/"]
    assert not report.violations, "\n".join(report.violations)


def test_the_check_finds_a_violation_it_is_shown(browser, live_server):
    """The runner is not blind: an input without a label and grey-on-grey text are reported."""
    context, page = _context(browser, live_server, "en")
    try:
        page.goto(live_server.url + reverse("accounts:login"))
        page.evaluate(
            """() => {
              const main = document.querySelector('main');
              main.insertAdjacentHTML('beforeend',
                '<input type="text" name="x"><p style="color:#aaa;background:#bbb">faint</p>');
            }"""
        )
        found = {v["id"] for v in run_axe(page)}
    finally:
        context.close()
    assert {"label", "color-contrast"} <= found
