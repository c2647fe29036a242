/* Accessibility helpers every page shares (see README, "Accessibility"):
   - after a failed submit, focus goes to the form's error summary (count and links to each field);
   - the navigation item of the page being shown is marked aria-current="page";
   - after a filter form (a GET form) is sent, focus goes to the results' heading and the number of
     results is announced by its live region;
   - after switching language, focus returns to the language switch. */
(function () {
  "use strict";

  var FILTERED_KEY = "portal-filtered-path";
  var LANGUAGE_KEY = "portal-language-switched";

  function markCurrentNavItem() {
    var here = window.location.pathname;
    var items = document.querySelectorAll("#portal-nav a.nav-link, #portal-nav a.dropdown-item");
    Array.prototype.forEach.call(items, function (a) {
      if (a.getAttribute("href") === "#" || a.pathname !== here) return;
      a.setAttribute("aria-current", "page");
      a.classList.add("active");
      // A page inside a menu ("Reviews", "Lists") also marks the menu's button as the active item.
      var menu = a.closest(".dropdown");
      var toggle = menu && menu.querySelector(".dropdown-toggle");
      if (toggle) toggle.classList.add("active");
    });
  }

  function focusErrorSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      return true;
    }
    return false;
  }

  function announceResults() {
    var filtered = false;
    try {
      filtered = window.sessionStorage.getItem(FILTERED_KEY) === window.location.pathname;
      window.sessionStorage.removeItem(FILTERED_KEY);
    } catch (e) { /* storage refused: nothing to restore */ }
    if (!filtered) return;
    var heading = document.querySelector("[data-results-heading]");
    if (heading) {
      if (!heading.hasAttribute("tabindex")) heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
    // A live region only speaks when its text changes after the page has loaded.
    var status = document.querySelector("[data-results-count]");
    if (status) {
      var text = status.textContent;
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 150);
    }
  }

  // After the language changes the page reloads; focus returns to the language switch, where the
  // person left it, rather than to the top of the page.
  function restoreLanguageFocus() {
    var switched = false;
    try {
      switched = window.sessionStorage.getItem(LANGUAGE_KEY) === "1";
      window.sessionStorage.removeItem(LANGUAGE_KEY);
    } catch (e) { /* storage refused */ }
    var button = switched && document.querySelector(".portal-language-switch button");
    if (button) button.focus();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if (form.classList.contains("portal-language-switch")) {
      try { window.sessionStorage.setItem(LANGUAGE_KEY, "1"); } catch (e) { /* storage refused */ }
      return;
    }
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    try {
      var action = new URL(form.action || window.location.href, window.location.href);
      window.sessionStorage.setItem(FILTERED_KEY, action.pathname);
    } catch (e) { /* storage refused */ }
  });

  function ready() {
    markCurrentNavItem();
    restoreLanguageFocus();
    if (!focusErrorSummary()) announceResults();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
