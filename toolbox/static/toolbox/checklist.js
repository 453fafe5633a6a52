/* Interactive checklists: progressive enhancement of the per-step forms.
 *
 * Without JavaScript every step is a form that is submitted with its "Save"
 * button. With it, ticking a checkbox (or saving a note) sends the same form
 * with fetch; the server answers with the re-rendered step, the new count and a
 * message that is announced in the checklist's aria-live region. If anything
 * goes wrong the form is submitted the ordinary way.
 */
(function () {
  "use strict";

  // With the script, a ticked checkbox is sent at once: the per-step "Save"
  // buttons of the no-script form are hidden (see checklist.css).
  document.documentElement.classList.add("cl-js");

  function scopeOf(form) {
    return form.closest("[data-checklist]") || document;
  }

  function announce(scope, text) {
    var region = scope.querySelector("[data-checklist-status]");
    if (!region) { return; }
    region.textContent = "";
    // A fresh text node after clearing makes screen readers announce repeats too.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function updateCount(scope, payload) {
    var bar = scope.querySelector("[data-checklist-bar]");
    if (bar) { bar.max = payload.total; bar.value = payload.done; }
    var count = scope.querySelector("[data-checklist-count]");
    if (count && payload.count_text) { count.textContent = payload.count_text; }
  }

  function showError(form, text) {
    var old = form.querySelector(".cl-error[data-js]");
    if (old) { old.remove(); }
    var p = document.createElement("p");
    p.className = "cl-error";
    p.setAttribute("data-js", "");
    p.textContent = text;
    var meta = form.querySelector(".cl-meta");
    if (meta) { meta.insertAdjacentElement("afterend", p); } else { form.appendChild(p); }
  }

  function send(form) {
    if (form.getAttribute("aria-busy") === "true") { return; }
    var scope = scopeOf(form);
    var focusedId = document.activeElement ? document.activeElement.id : "";
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (payload) {
        return { response: response, payload: payload };
      });
    }).then(function (result) {
      var payload = result.payload;
      form.removeAttribute("aria-busy");
      if (result.response.status === 400 && payload && payload.error) {
        showError(form, payload.error);
        announce(scope, payload.error);
        return;
      }
      if (!result.response.ok || !payload || !payload.ok) {
        form.submit();
        return;
      }
      var wrapper = form.closest("[data-step]");
      var holder = document.createElement("div");
      holder.innerHTML = payload.html;
      var fresh = holder.querySelector("[data-step]");
      if (wrapper && fresh) {
        wrapper.replaceWith(fresh);
        // Keep the keyboard focus where it was (the checkbox), else on the step's checkbox.
        var target = (focusedId && document.getElementById(focusedId)) ||
          fresh.querySelector("input[type=checkbox]");
        if (target) { target.focus(); }
      }
      updateCount(scope, payload);
      announce(scope, payload.message);
    }).catch(function () {
      form.removeAttribute("aria-busy");
      form.submit();
    });
  }

  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || box.name !== "done") { return; }
    var form = box.closest("form[data-checklist-form]");
    if (form) { send(form); }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target.closest && event.target.closest("form[data-checklist-form]");
    if (!form || !window.fetch) { return; }
    event.preventDefault();
    send(form);
  });
}());
