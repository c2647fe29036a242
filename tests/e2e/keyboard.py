"""Driving pages with the keyboard alone (Tab, Shift+Tab, Enter, Space, arrow keys), checking at
every stop that the focused element shows a visible focus indicator."""

FOCUS_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'BODY', visible: false, html: 'body'};
  const s = getComputedStyle(el);
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {tag: el.tagName, visible: outline || shadow, html: el.outerHTML.slice(0, 160)};
}
"""
MATCHES_JS = """
([css, text]) => {
  const el = document.activeElement;
  if (!el || !el.matches(css)) return false;
  return !text || el.textContent.includes(text) || (el.value || '').includes(text);
}
"""
# More stops than any page of the portal has before its main action.
MAX_TABS = 200


class Keyboard:
    def __init__(self, page):
        self.page = page
        self.stops = 0
        self.unseen_focus = []

    def _check_focus(self):
        focus = self.page.evaluate(FOCUS_JS)
        self.stops += 1
        if focus["tag"] != "BODY" and not focus["visible"]:
            self.unseen_focus.append(f"{self.page.url}: {focus['html']}")

    def tab_to(self, css, text=None):
        """Press Tab until the focused element matches ``css`` (and contains ``text``)."""
        if self.page.evaluate(MATCHES_JS, [css, text]):
            return
        for _ in range(MAX_TABS):
            self.page.keyboard.press("Tab")
            self._check_focus()
            if self.page.evaluate(MATCHES_JS, [css, text]):
                return
        raise AssertionError(f"Tab never reached {css} {text or ''} on {self.page.url}")

    def type_into(self, css, value):
        self.tab_to(css)
        self.page.keyboard.press("Control+A")
        self.page.keyboard.type(value)

    def choose(self, css, value):
        """A native select: arrow keys until the wanted option is chosen."""
        self.tab_to(css)
        for _ in range(60):
            if self.page.evaluate("() => document.activeElement.value") == value:
                return
            self.page.keyboard.press("ArrowDown")
        raise AssertionError(f"option {value} not reached in {css}")

    def tick(self, css):
        """A checkbox or the first radio button of a group: Space."""
        self.tab_to(css)
        self.page.keyboard.press("Space")

    def press(self, css, text=None):
        """A button or link: Enter, then wait for the next page."""
        self.tab_to(css, text)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()

    def log_in(self, username, password):
        self.page.goto(self.page.base_url + "/accounts/login/")
        # The username field has autofocus.
        self.type_into("#id_username", username)
        self.type_into("#id_password", password)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.page.wait_for_load_state()
