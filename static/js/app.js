// Site behaviour, loaded on every page. No inline scripts (CSP).
(function () {
  "use strict";
  // Ask before destructive or hard-to-undo actions: <form data-confirm="…">, or only for the button that does it:
  // <button type="submit" data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) || (form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);
  // Print buttons: <button data-print>.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) {
      event.preventDefault();
      window.print();
    }
  });
  // Filter forms submit when a select changes: <form data-autosubmit>.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.tagName === "SELECT" && el.form && el.form.hasAttribute("data-autosubmit")) {
      el.form.requestSubmit();
    }
  });
})();
