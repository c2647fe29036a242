"""axe-core in the browser tests: a crawler that finds the pages a role can reach from its
navigation, and a runner that checks each page (and each main form shown with errors) against
WCAG 2.0/2.1 A and AA.

The crawl starts at the role's home page, follows every same-origin link in the header, the footer
and the page itself, then the links of those pages one level further. Pages are visited once per
address pattern (``/bank/leads/17/`` and ``/bank/leads/18/`` are the same template), so a page
another engineer adds to a navigation menu is checked without being listed here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

AXE_JS = next((Path(settings.BASE_DIR) / "static" / "vendor").glob("axe-core-*/axe.min.js"))
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Addresses the crawler never opens: they leave the portal's pages, change state on GET, or send
# a file rather than a page.
SKIPPED = re.compile(
    r"^/(admin|api|i18n|static|media)/|/logout/|export|download|/files?/|\.(xlsx|csv|ics|pdf|png|svg|zip)$"
    r"|/checkin/qr",
    re.IGNORECASE,
)
LINKS_JS = """
() => Array.from(document.querySelectorAll('a[href]'))
  .filter(a => !a.closest('[hidden]') && !a.hasAttribute('download'))
  .map(a => a.href)
"""
# Empties a POST form's fields and sends it, so the page comes back with its errors. Only forms
# with a required field left empty are sent: such a form cannot change anything. A required group of
# checkboxes or radio buttons (_form_field.html marks its fieldset data-required, as browsers have no
# "required" for a group) and a form that needs at least one choice (data-requires-a-choice) count
# as required fields when nothing in them is chosen.
EMPTY_FORM_JS = """
(index) => {
  const form = document.querySelectorAll('main form[method=post]')[index];
  let emptyRequired = 0;
  const groups = Array.from(form.querySelectorAll('fieldset[data-required]'));
  if (form.hasAttribute('data-requires-a-choice')) groups.push(form);
  for (const group of groups) {
    for (const el of group.querySelectorAll('input[type=checkbox], input[type=radio]')) el.checked = false;
    emptyRequired++;
  }
  for (const el of form.elements) {
    if (el.type === 'hidden' || el.disabled || el.readOnly) continue;
    if (['text', 'textarea', 'number', 'email', 'tel', 'date', 'password', 'url', 'search',
         'datetime-local', 'time'].includes(el.type)) el.value = '';
    if (el.tagName === 'SELECT' && Array.from(el.options).some(o => o.value === '')) el.value = '';
    if (el.required && (el.value === '' || (el.type === 'checkbox' && !el.checked))) emptyRequired++;
  }
  return emptyRequired > 0;
}
"""
SUBMIT_JS = """
(index) => {
  const form = document.querySelectorAll('main form[method=post]')[index];
  form.noValidate = true;
  form.requestSubmit();
}
"""
FORMS_JS = """
() => Array.from(document.querySelectorAll('main form[method=post]')).map(f =>
  !f.hasAttribute('hx-post') && !f.getAttribute('onsubmit') &&
  (Array.from(f.elements).some(el => el.required && el.type !== 'hidden') ||
   f.hasAttribute('data-requires-a-choice') || !!f.querySelector('fieldset[data-required]')))
"""


def pattern(url: str) -> str:
    """The page's template, as far as its address tells: numbers and tokens become <id>."""
    path = urlsplit(url).path
    return re.sub(r"/(\d+|[0-9a-f-]{16,}|[A-Za-z0-9_-]{20,})(?=/)", "/<id>", path)


@dataclass
class AxeReport:
    pages: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    violations: list[str] = field(default_factory=list)

    def add(self, where: str, result: list[dict]):
        for violation in result:
            for node in violation["nodes"][:5]:
                self.violations.append(
                    f"{where}: {violation['id']} ({violation['impact']}) at "
                    f"{' '.join(node['target'][:1]) if isinstance(node['target'][0], str) else node['target']}"
                    f" — {node.get('failureSummary', '').splitlines()[-1].strip()[:160]}"
                )


def run_axe(page) -> list[dict]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})).violations",
        WCAG_TAGS,
    )


def _same_origin_links(page, origin: str) -> list[str]:
    links = []
    for href in page.evaluate(LINKS_JS):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or SKIPPED.search(parts.path):
            continue
        links.append(f"{origin}{parts.path}" + (f"?{parts.query}" if parts.query else ""))
    return links


def crawl_and_check(
    page,
    start: str,
    *,
    label: str,
    report: AxeReport,
    depth: int = 2,
    submit_forms: bool = True,
    seen: set | None = None,
):
    """Visit ``start`` and the pages its links lead to (``depth`` levels), run axe on each, and
    send each main form empty once to check its error state."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(start))
    seen = set() if seen is None else seen
    frontier = [start]
    for level in range(depth + 1):
        next_frontier = []
        for url in frontier:
            key = pattern(url)
            if key in seen:
                continue
            seen.add(key)
            try:
                response = page.goto(url)
            except PlaywrightError as error:
                # A link that sends a file (a workbook, say) is not a page.
                if "Download is starting" in str(error):
                    continue
                raise
            if (
                response is None
                or response.status >= 400
                or urlsplit(page.url).path != urlsplit(url).path
            ):
                # A refusal or a redirect (to the login page, say) is checked where it lands.
                if response is not None and response.status >= 500:
                    report.violations.append(f"{label} {url}: HTTP {response.status}")
                continue
            report.pages.append(f"{label} {key}")
            report.add(f"{label} {key}", run_axe(page))
            if level < depth:
                next_frontier.extend(_same_origin_links(page, origin))
            if submit_forms:
                _check_forms_with_errors(page, url, key, label, report)
        frontier = next_frontier


def _check_forms_with_errors(page, url, key, label, report):
    candidates = page.evaluate(FORMS_JS)
    for index, candidate in enumerate(candidates):
        if not candidate:
            continue
        if index:
            page.goto(url)
        if not page.evaluate(EMPTY_FORM_JS, index):
            continue
        with page.expect_navigation():
            page.evaluate(SUBMIT_JS, index)
        page.wait_for_load_state()
        where = f"{label} {key} form#{index} with errors"
        report.forms.append(where)
        if not page.locator("[data-error-summary], .errorlist, [aria-invalid=true]").count():
            report.violations.append(f"{where}: no error shown after an empty submit")
        report.add(where, run_axe(page))
