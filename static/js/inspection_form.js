// The new-inspection form: only the chosen target's fields are shown (the others are disabled, so they are not
// sent), and the enterprise is found by typing (htmx fetches the matches; a click here picks one and its sector's
// checklist). Without JavaScript every target's fields and the plain enterprise list stay, and the server checks.
(function () {
  "use strict";
  var form = document.querySelector("[data-inspection-create]");
  if (!form) {
    return;
  }
  var radios = form.querySelectorAll("[data-target-choice]");
  var groups = form.querySelectorAll("[data-target-group]");
  var select = form.querySelector("select[name=enterprise]");
  var checklist = form.querySelector("select[name=checklist]");
  var search = form.querySelector("[data-enterprise-search]");
  var input = search && search.querySelector("input[type=search]");
  var matches = document.getElementById("enterprise-matches");
  var picked = form.querySelector("[data-enterprise-picked]");

  function chosen() {
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) {
        return radios[i].value;
      }
    }
    return "";
  }

  function showTarget() {
    var target = chosen();
    groups.forEach(function (group) {
      var on = !target || group.getAttribute("data-target-group") === target;
      group.hidden = !on;
      group.disabled = !on;
    });
  }

  function showPicked() {
    var option = select && select.selectedOptions[0];
    picked.textContent = option && option.value ? option.textContent : picked.getAttribute("data-label-none");
  }

  radios.forEach(function (radio) {
    radio.addEventListener("change", showTarget);
  });
  showTarget();

  if (!select || !search || !input) {
    return;
  }
  // The list stays in the form as the value it sends; the search takes its place on the page.
  form.querySelector("[data-enterprise-select]").hidden = true;
  search.hidden = false;
  showPicked();

  input.addEventListener("keydown", function (event) {
    // Enter searches, it does not send the half-filled form.
    if (event.key === "Enter") {
      event.preventDefault();
    }
  });
  search.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-pick-enterprise]");
    if (!button) {
      return;
    }
    select.value = button.getAttribute("data-pick-enterprise");
    var suggested = button.getAttribute("data-checklist");
    if (checklist && suggested) {
      checklist.value = suggested;
    }
    matches.textContent = "";
    input.value = "";
    showPicked();
    picked.focus();
  });
  picked.setAttribute("tabindex", "-1");
})();
