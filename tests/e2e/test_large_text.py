"""Age-friendly large text: with the root font size doubled (an older user's very large font, and the
portal's 大字模式 layout) every main page of every role, at 1366 px and at 390 px, keeps its controls
unclipped, no table column squeezed below two characters, nothing wider than the screen. The 大字模式
switch in the preferences persists and marks <html>. Screenshots: tests/e2e/screenshots/large-*.png."""

import pytest
from django.urls import reverse

from accounts.models import User

from .conftest import log_in
from .test_phone_width import _pages, district  # noqa: F401 (district is a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Pixels of rounding a browser may report between scroll and client widths.
TOLERANCE = 2
ZOOM_400_WIDTH = 320
DOUBLE_TEXT = "html { font-size: 200% !important; }"
CLIPPED_JS = """
(tolerance) => {
  const problems = [];
  const visible = el => el.offsetParent !== null && el.getClientRects().length;
  // A text field's value scrolls inside it by design; a select's chosen option must not be cut.
  const sel = '#portal-nav a, #portal-nav button, .portal-header .navbar-brand, main .btn, ' +
              'main .form-select, main table, main th, main td, main .badge';
  for (const el of document.querySelectorAll(sel)) {
    if (!visible(el) || el.closest('.table-responsive') && el.tagName === 'TABLE') continue;
    if (el.scrollWidth > el.clientWidth + tolerance && getComputedStyle(el).overflowX !== 'visible')
      problems.push('clipped: ' + el.outerHTML.slice(0, 100));
  }
  for (const cell of document.querySelectorAll('main td, main th')) {
    // A column of one short word ("By", "K") may be as narrow as that word; a longer text in a
    // column under two characters wide is being broken one character per line.
    if (!visible(cell) || cell.textContent.trim().length <= 2) continue;
    const size = parseFloat(getComputedStyle(cell).fontSize);
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (inner < 2 * size - tolerance) problems.push('narrow column: ' + cell.outerHTML.slice(0, 100));
  }
  for (const box of document.querySelectorAll('.table-responsive')) {
    if (visible(box) && box.scrollWidth > box.clientWidth + tolerance)
      problems.push('table scrolls sideways: ' + box.outerHTML.slice(0, 80));
  }
  const width = document.scrollingElement.scrollWidth;
  if (width > window.innerWidth + tolerance) problems.push('page is ' + width + 'px wide');
  return problems;
}
"""


def _double_the_text(page):
    page.evaluate("() => document.documentElement.classList.add('portal-large-text')")
    page.add_style_tag(content=DOUBLE_TEXT)


# 1366 and 390 px with the text doubled; 320 px at normal text is a 1280 px screen zoomed to 400 %
# (WCAG 1.4.10 reflow).
@pytest.mark.parametrize("width", [1366, 390, 320])
@pytest.mark.parametrize(
    "persona", ["anonymous", "enterprise_member", "officer_user", "finance_user"]
)
def test_pages_hold_together_with_the_text_doubled(
    browser,
    live_server,
    shot,
    district,  # noqa: F811
    persona,
    width,
    request,
):
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    page.base_url = live_server.url
    try:
        if persona != "anonymous":
            log_in(page, request.getfixturevalue(persona).username)
        problems = []
        for name, url in _pages(district)[persona]:
            page.goto(live_server.url + url)
            if width != ZOOM_400_WIDTH:
                _double_the_text(page)
            if width < 768 and page.locator(".navbar-toggler").is_visible():
                page.click(".navbar-toggler")
                page.locator("#portal-nav.show").wait_for()
            shot(page, f"large-{width}-{persona}-{name}")
            problems += [f"{name}: {p}" for p in page.evaluate(CLIPPED_JS, TOLERANCE)]
    finally:
        context.close()
    assert not problems, "\n".join(problems)


def test_large_text_mode_is_a_saved_preference(page, enterprise_member):
    log_in(page, enterprise_member.username)
    assert page.get_attribute("html", "class") in (None, "")
    page.goto(page.base_url + reverse("accounts:preferences"))
    page.check("#id_large_text")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert User.objects.get(pk=enterprise_member.pk).large_text is True
    page.goto(page.base_url + reverse("enterprises:home"))
    assert "portal-large-text" in page.get_attribute("html", "class")
    root = page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert root == 24  # 150% of the browser's 16 px


# WCAG 2.5.5 (AAA) and the age-friendly guidance ask for 44 × 44 px touch targets on a phone.
TOUCH_TARGET = 44
SMALL_TARGETS_JS = """
(size) => {
  const small = [];
  const sel = 'main .btn, main .form-control, main .form-select, main .form-check, main .page-link, ' +
              '.navbar-toggler, #portal-nav .nav-link, #portal-nav .btn';
  for (const el of document.querySelectorAll(sel)) {
    if (el.offsetParent === null) continue;
    const box = el.getBoundingClientRect();
    if (box.height < size - 0.5 || box.width < size - 0.5)
      small.push(Math.round(box.width) + 'x' + Math.round(box.height) + ' ' + el.outerHTML.slice(0, 90));
  }
  return small;
}
"""


@pytest.mark.parametrize("persona", ["anonymous", "enterprise_member", "officer_user"])
def test_touch_targets_are_44_px_on_a_phone(phone_page, district, persona, request):  # noqa: F811
    if persona != "anonymous":
        log_in(phone_page, request.getfixturevalue(persona).username)
    small = []
    for name, url in _pages(district)[persona]:
        phone_page.goto(phone_page.base_url + url)
        phone_page.click(".navbar-toggler")
        phone_page.locator("#portal-nav.show").wait_for()
        small += [f"{name}: {s}" for s in phone_page.evaluate(SMALL_TARGETS_JS, TOUCH_TARGET)]
    assert not small, "\n".join(small)
