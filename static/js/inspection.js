// The phone inspection page: each answer is saved as it is given; while offline, answers wait in
// localStorage and are sent when the connection returns; reopening the page resumes where it stopped.
(function () {
  "use strict";
  var root = document.querySelector("[data-inspection-fill]");
  if (!root) {
    return;
  }
  var key = "liuwei-inspection-" + root.getAttribute("data-inspection-id");
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var banner = root.querySelector("[data-offline-banner]");
  var sending = {};

  function label(name) {
    return root.getAttribute("data-label-" + name) || "";
  }

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "{}");
    } catch (e) {
      return {};
    }
  }

  function save(queue) {
    try {
      if (Object.keys(queue).length) {
        window.localStorage.setItem(key, JSON.stringify(queue));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) {
      // Storage full or disabled: the answer is still on the page and sent when possible.
    }
  }

  function card(itemId) {
    return root.querySelector('[data-item="' + itemId + '"]');
  }

  function mark(itemId, state, message) {
    var el = card(itemId);
    var status = el && el.querySelector("[data-save-state]");
    if (status) {
      status.setAttribute("data-save-state", state);
      status.textContent = message || label(state);
    }
  }

  function showFinding(itemId, url) {
    var el = card(itemId);
    var box = el && el.querySelector("[data-finding]");
    if (!box || box.querySelector("[data-testid=item-hazard]")) {
      return;
    }
    box.textContent = "";
    if (url) {
      var link = document.createElement("a");
      link.className = "btn btn-sm btn-danger";
      link.href = url;
      link.setAttribute("data-testid", "record-finding");
      link.textContent = label("finding");
      box.appendChild(link);
    }
  }

  function updateBanner() {
    if (banner) {
      banner.classList.toggle("d-none", navigator.onLine);
    }
  }

  function send(itemId, answer) {
    var body = JSON.stringify({
      item: Number(itemId),
      result: answer.result,
      note: answer.note,
      client_time: answer.client_time
    });
    return fetch(root.getAttribute("data-answer-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: body
    }).then(function (response) {
      return response.json().catch(function () {
        return {};
      }).then(function (data) {
        if (response.ok) {
          return data;
        }
        // The server refused the answer (4xx): retrying will not help; say why.
        var error = new Error(data.error || response.statusText);
        error.fatal = response.status < 500;
        throw error;
      });
    });
  }

  function flush() {
    updateBanner();
    var queue = load();
    Object.keys(queue).forEach(function (itemId) {
      var answer = queue[itemId];
      if (sending[itemId] === answer.client_time) {
        return;
      }
      sending[itemId] = answer.client_time;
      send(itemId, answer).then(function (data) {
        var current = load();
        if (current[itemId] && current[itemId].client_time === answer.client_time) {
          delete current[itemId];
          save(current);
          mark(itemId, "saved");
        }
        showFinding(itemId, data.result === "fail" ? data.finding_url : "");
      }).catch(function (error) {
        if (error.fatal) {
          var current = load();
          delete current[itemId];
          save(current);
          mark(itemId, "error", error.message);
        } else {
          mark(itemId, "pending");
        }
      }).then(function () {
        delete sending[itemId];
      });
    });
  }

  function record(itemEl) {
    var checked = itemEl.querySelector("input[type=radio]:checked");
    if (!checked) {
      return;
    }
    var queue = load();
    var itemId = itemEl.getAttribute("data-item");
    queue[itemId] = {
      result: checked.value,
      note: itemEl.querySelector("[data-note]").value,
      client_time: new Date().toISOString()
    };
    save(queue);
    mark(itemId, "pending");
    flush();
  }

  function uploadPhoto(itemEl, input) {
    if (!input.files.length) {
      return;
    }
    var itemId = itemEl.getAttribute("data-item");
    if (!navigator.onLine) {
      mark(itemId, "error", label("offline-photo"));
      input.value = "";
      return;
    }
    var form = new FormData();
    form.append("item", itemId);
    form.append("photo", input.files[0]);
    mark(itemId, "pending", label("uploading"));
    fetch(root.getAttribute("data-photo-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrf, "Accept": "application/json"},
      body: form
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || response.statusText);
        }
        itemEl.querySelector("[data-photo-count]").textContent = data.count;
        mark(itemId, load()[itemId] ? "pending" : "saved");
      });
    }).catch(function (error) {
      mark(itemId, "error", error.message || label("offline-photo"));
    }).then(function () {
      input.value = "";
    });
  }

  root.addEventListener("change", function (event) {
    var itemEl = event.target.closest("[data-item]");
    if (!itemEl) {
      return;
    }
    if (event.target.hasAttribute("data-photo")) {
      uploadPhoto(itemEl, event.target);
    } else {
      record(itemEl);
    }
  });

  // Resume: answers still waiting in this browser are shown as given, then sent.
  var waiting = load();
  Object.keys(waiting).forEach(function (itemId) {
    var itemEl = card(itemId);
    if (!itemEl) {
      return;
    }
    var radio = itemEl.querySelector('input[type=radio][value="' + waiting[itemId].result + '"]');
    if (radio) {
      radio.checked = true;
    }
    itemEl.querySelector("[data-note]").value = waiting[itemId].note || "";
    mark(itemId, "pending");
  });
  // An answer tapped while the page was still loading (before this script ran) is recorded now.
  Array.prototype.forEach.call(root.querySelectorAll("[data-item]"), function (itemEl) {
    var state = itemEl.querySelector("[data-save-state]");
    if (state && state.getAttribute("data-save-state") === "empty" && itemEl.querySelector("input[type=radio]:checked")) {
      record(itemEl);
    }
  });
  window.addEventListener("online", flush);
  window.addEventListener("offline", updateBanner);
  flush();

  // The responsible person (and, for a supervision group's record, the group's leader) signs with a finger;
  // each drawing is sent as a PNG in the hidden field its pad names.
  var formEl = root.querySelector("[data-signature-form]");
  var setUpPad = function (pad) {
    var fieldName = pad.getAttribute("data-signature-field") || "signature";
    var ctx = pad.getContext("2d");
    var drawing = false;
    var signed = false;
    ctx.lineWidth = 3;
    ctx.lineCap = "round";
    ctx.strokeStyle = "#111";
    var point = function (event) {
      var rect = pad.getBoundingClientRect();
      return {
        x: (event.clientX - rect.left) * (pad.width / rect.width),
        y: (event.clientY - rect.top) * (pad.height / rect.height)
      };
    };
    pad.addEventListener("pointerdown", function (event) {
      drawing = true;
      try {
        pad.setPointerCapture(event.pointerId);
      } catch (e) {
        // Some browsers refuse capture for synthetic or already-ended pointers; drawing still works.
      }
      var p = point(event);
      ctx.beginPath();
      ctx.moveTo(p.x, p.y);
    });
    pad.addEventListener("pointermove", function (event) {
      if (!drawing) {
        return;
      }
      var p = point(event);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
      signed = true;
    });
    pad.addEventListener("pointerup", function () {
      drawing = false;
    });
    var clear = root.querySelector('[data-signature-clear="' + fieldName + '"]');
    if (clear) {
      clear.addEventListener("click", function () {
        ctx.clearRect(0, 0, pad.width, pad.height);
        signed = false;
      });
    }
    formEl.addEventListener("submit", function () {
      var field = formEl.querySelector('input[name="' + fieldName + '"]');
      if (field) {
        field.value = signed ? pad.toDataURL("image/png") : "";
      }
    });
  };
  if (formEl) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-signature-pad]"), setUpPad);
  }
})();
