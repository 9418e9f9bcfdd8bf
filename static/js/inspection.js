// The phone inspection page: each answer is saved as it is given; while offline, answers wait in
// localStorage and are sent when the connection returns; reopening the page resumes where it stopped.
(function () {
  "use strict";
  var root = document.querySelector("[data-inspection-fill]");
  if (!root) {
    return;
  }
  // One queue per inspection: {itemId: {result, note, client_time}}, the latest answer of each item not yet
  // stored by the server. It lives in memory and is copied to localStorage at every change, so answers survive
  // a reload, a closed tab or a dead battery; an answer leaves it only when the server says it stored it.
  var key = "liuwei-inspection-" + root.getAttribute("data-inspection-id");
  var clockKey = key + "-clock";
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var csrf = csrfInput ? csrfInput.value : "";
  var banner = root.querySelector("[data-offline-banner]");
  var statusEl = root.querySelector("[data-sync-status]");
  var queue = read(key, {});
  var inFlight = {};
  var failures = 0;
  var retryTimer = null;
  var retryAt = 0;
  var blocked = false;
  var onEmpty = null;
  var MAX_DELAY = 30000;

  function label(name) {
    return root.getAttribute("data-label-" + name) || "";
  }

  function read(name, fallback) {
    try {
      var value = JSON.parse(window.localStorage.getItem(name) || "null");
      return value && typeof value === "object" ? value : fallback;
    } catch (e) {
      return fallback;
    }
  }

  function persist() {
    try {
      if (Object.keys(queue).length) {
        window.localStorage.setItem(key, JSON.stringify(queue));
      } else {
        window.localStorage.removeItem(key);
      }
    } catch (e) {
      // Storage full or disabled: the answers are still queued in this page and sent when possible.
    }
  }

  // Each answer's time comes from a clock that never goes back on this phone (a clock set back, or two taps in
  // the same millisecond, must not make a later answer look older than an earlier one to the server).
  var lastClock = Number((read(clockKey, {}) || {}).t) || 0;
  function answerTime() {
    lastClock = Math.max(Date.now(), lastClock + 1);
    try {
      window.localStorage.setItem(clockKey, JSON.stringify({t: lastClock}));
    } catch (e) {
      // The in-page clock still orders this page's answers.
    }
    return new Date(lastClock).toISOString();
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

  function show(itemId, result, note) {
    var el = card(itemId);
    if (!el) {
      return;
    }
    var radio = el.querySelector('input[type=radio][value="' + result + '"]');
    if (radio) {
      radio.checked = true;
    }
    el.querySelector("[data-note]").value = note || "";
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

  function waiting() {
    return Object.keys(queue).length;
  }

  function updateStatus() {
    if (banner) {
      banner.classList.toggle("d-none", navigator.onLine);
    }
    var n = waiting();
    if (statusEl) {
      var text = "";
      if (blocked) {
        text = label("login");
      } else if (n) {
        text = label("waiting").replace("{n}", n);
        if (retryTimer && navigator.onLine) {
          text += " " + label("retrying").replace("{s}", Math.max(1, Math.round((retryAt - Date.now()) / 1000)));
        }
      }
      statusEl.textContent = text;
      statusEl.setAttribute("data-count", String(n));
      statusEl.classList.toggle("d-none", !text);
      statusEl.classList.toggle("is-blocked", blocked);
    }
    if (!n && onEmpty && navigator.onLine && !blocked) {
      var then = onEmpty;
      onEmpty = null;
      then();
    }
  }

  // The server could not be reached or failed (5xx, timeout): wait 1 s, 2 s, 4 s … at most 30 s, then send every
  // waiting answer again. Going online, or the page coming back into view, tries again at once.
  function scheduleRetry() {
    if (retryTimer) {
      return;
    }
    var delay = Math.min(1000 * Math.pow(2, failures), MAX_DELAY);
    failures += 1;
    retryAt = Date.now() + delay;
    retryTimer = window.setTimeout(function () {
      retryTimer = null;
      flush();
    }, delay);
  }

  function retryNow() {
    if (retryTimer) {
      window.clearTimeout(retryTimer);
      retryTimer = null;
    }
    failures = 0;
    flush();
  }

  function post(itemId, answer) {
    return fetch(root.getAttribute("data-answer-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json"},
      body: JSON.stringify({
        item: Number(itemId),
        result: answer.result,
        note: answer.note || "",
        client_time: answer.client_time
      })
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      return (json ? response.json() : Promise.resolve({})).catch(function () {
        return {};
      }).then(function (data) {
        return {response: response, data: data};
      });
    });
  }

  // What became of one answer sent: "stored", "superseded" (the server keeps a newer one), "refused" (4xx:
  // sending again will not help), "login" (the session ended), else "retry".
  function outcome(response, data) {
    if (response.redirected || response.status === 401 || response.status === 403) {
      return "login";
    }
    if (response.ok) {
      return data.ok === true ? "stored" : "retry";
    }
    if (response.status === 409 && data.superseded) {
      return "superseded";
    }
    if (response.status >= 400 && response.status < 500 && [408, 425, 429].indexOf(response.status) < 0) {
      return "refused";
    }
    return "retry";
  }

  function settle(itemId, answer, result, data) {
    var current = queue[itemId] === answer;
    if (current && result !== "retry") {
      delete queue[itemId];
      persist();
    }
    if (!current) {
      return; // a newer answer to this item is waiting; it goes next and decides what the item shows
    }
    if (result === "stored") {
      mark(itemId, "saved");
      showFinding(itemId, data.result === "fail" ? data.finding_url : "");
    } else if (result === "superseded") {
      show(itemId, data.result, data.note);
      mark(itemId, "superseded");
    } else if (result === "refused") {
      mark(itemId, "error", data.error || label("error"));
    } else {
      mark(itemId, "pending");
    }
  }

  function send(itemId) {
    var answer = queue[itemId];
    inFlight[itemId] = true;
    post(itemId, answer).then(function (reply) {
      return {result: outcome(reply.response, reply.data), data: reply.data};
    }, function () {
      return {result: "retry", data: {}};
    }).then(function (done) {
      delete inFlight[itemId];
      if (done.result === "login") {
        blocked = true;
        mark(itemId, "pending");
      } else if (done.result === "retry") {
        settle(itemId, answer, done.result, done.data);
        scheduleRetry();
      } else {
        failures = 0; // the server answered: the next failure starts the back-off afresh
        settle(itemId, answer, done.result, done.data);
      }
      updateStatus();
      flush();
    });
  }

  function flush() {
    updateStatus();
    if (blocked || !navigator.onLine || retryTimer) {
      return;
    }
    // One request per item at a time, so one phone's answers to an item reach the server in the order given.
    Object.keys(queue).forEach(function (itemId) {
      if (!inFlight[itemId]) {
        send(itemId);
      }
    });
  }

  function record(itemEl) {
    var checked = itemEl.querySelector("input[type=radio]:checked");
    if (!checked) {
      return;
    }
    var itemId = itemEl.getAttribute("data-item");
    queue[itemId] = {
      result: checked.value,
      note: itemEl.querySelector("[data-note]").value,
      client_time: answerTime()
    };
    persist();
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
        mark(itemId, queue[itemId] ? "pending" : "saved");
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
  Object.keys(queue).forEach(function (itemId) {
    var answer = queue[itemId];
    if (!card(itemId) || !answer || typeof answer.result !== "string") {
      delete queue[itemId];
      return;
    }
    show(itemId, answer.result, answer.note);
    mark(itemId, "pending");
  });
  persist();
  // An answer tapped while the page was still loading (before this script ran) is recorded now.
  Array.prototype.forEach.call(root.querySelectorAll("[data-item]"), function (itemEl) {
    var state = itemEl.querySelector("[data-save-state]");
    if (state && state.getAttribute("data-save-state") === "empty" && itemEl.querySelector("input[type=radio]:checked")) {
      record(itemEl);
    }
  });
  window.addEventListener("online", retryNow);
  window.addEventListener("offline", updateStatus);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      retryNow();
    }
  });
  flush();

  // The responsible person (and, for a supervision group's record, the group's leader) signs with a finger;
  // each drawing is sent as a PNG in the hidden field its pad names. A refused submit returns the page with the
  // drawing in that field, and it is drawn again on its pad.
  var formEl = root.querySelector("[data-signature-form]");
  var pads = [];
  var setUpPad = function (pad) {
    var fieldName = pad.getAttribute("data-signature-field") || "signature";
    var field = formEl.querySelector('input[name="' + fieldName + '"]');
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
        if (field) {
          field.value = "";
        }
      });
    }
    if (field && field.value.indexOf("data:image/png;base64,") === 0) {
      var kept = new Image();
      kept.addEventListener("load", function () {
        ctx.drawImage(kept, 0, 0, pad.width, pad.height);
        signed = true;
        pad.setAttribute("data-signed", "true");
      });
      kept.src = field.value;
    }
    pads.push(function () {
      if (field) {
        field.value = signed ? pad.toDataURL("image/png") : "";
      }
    });
  };

  function writeSignatures() {
    pads.forEach(function (write) {
      write();
    });
  }

  if (formEl) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-signature-pad]"), setUpPad);
    var waitNote = formEl.querySelector("[data-submit-waiting]");
    // Submitting while answers still wait would be refused for "unanswered" items the phone has answered: send
    // them first, and submit as soon as the server has stored them all.
    // Offline, the submit would end on the browser's error page and the drawn signatures with it: it waits too.
    formEl.addEventListener("submit", function (event) {
      writeSignatures();
      if (!waiting() && navigator.onLine) {
        return;
      }
      event.preventDefault();
      if (waitNote) {
        waitNote.textContent = label(waiting() ? "submit-waiting" : "submit-offline");
        waitNote.classList.remove("d-none");
      }
      onEmpty = function () {
        if (waitNote) {
          waitNote.classList.add("d-none");
        }
        writeSignatures();
        formEl.submit();
      };
      retryNow();
    });
  }
})();
