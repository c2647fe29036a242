/* Send a form once: while a POST is on its way its buttons are disabled and the form is marked
   aria-busy, so a double click or a second Enter does not send it again. The server also
   refuses to create twice (core/once.py); this spares people the wait and the confusion.
   Buttons come back when the page is shown again (the back button, the browser's page cache). */
(function () {
  "use strict";

  function busyButtons(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return (el.tagName === "BUTTON" || el.tagName === "INPUT") &&
        (el.type === "submit" || el.type === "image") && !el.disabled;
    });
  }

  function release(form) {
    form.removeAttribute("aria-busy");
    delete form.dataset.submitting;
    Array.prototype.forEach.call(form.querySelectorAll("[data-submit-once-disabled]"), function (el) {
      el.disabled = false;
      el.removeAttribute("data-submit-once-disabled");
    });
  }

  // Bubbling listener: a form's own onsubmit (a confirm() the person cancelled) runs first.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    // htmx sends these itself and leaves the page in place; a new window leaves it too.
    if (form.hasAttribute("hx-post") || form.hasAttribute("data-hx-post") || form.target === "_blank") return;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "1";
    form.setAttribute("aria-busy", "true");
    var buttons = busyButtons(form);
    // Disable after the browser has taken the form's data: a disabled submitter would drop its
    // own name (e.g. "submit" rather than "save as draft") from what is sent.
    window.setTimeout(function () {
      buttons.forEach(function (el) {
        el.disabled = true;
        el.setAttribute("data-submit-once-disabled", "");
      });
    }, 0);
  });

  window.addEventListener("pageshow", function () {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-submitting]"), release);
  });
})();
