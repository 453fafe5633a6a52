/* Using a template: "Copy text" for the preview, and focus after a POST.
 * Without JavaScript the page works as it is: the text stays in a read-only
 * text field to select and copy, the error summary and the preview are reached
 * through the form's #preview anchor. */
(function () {
  "use strict";

  function announce(status, message) {
    // Clear first, so the same message is announced again on a second copy.
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function selectSource(source) {
    source.focus();
    source.select();
    source.setSelectionRange(0, source.value.length);
  }

  function fallbackCopy(source) {
    selectSource(source);
    try {
      return document.execCommand("copy");
    } catch (err) {
      return false;
    }
  }

  function setUpCopy(button) {
    var source = document.getElementById(button.getAttribute("data-copy-from"));
    var status = document.getElementById("copy-status");
    if (!source || !status) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () { announce(status, button.getAttribute("data-copied")); };
      var failed = function () {
        selectSource(source);
        announce(status, button.getAttribute("data-copy-failed"));
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          if (fallbackCopy(source)) { done(); } else { failed(); }
        });
      } else if (fallbackCopy(source)) {
        button.focus();
        done();
      } else {
        failed();
      }
    });
  }

  function focusResult() {
    // After a POST: the error summary, else the preview. Run after the browser has
    // scrolled to the form's #preview anchor, which would otherwise take the focus away.
    var target = document.getElementById("error-summary") ||
      document.getElementById("preview-heading");
    if (target) { target.focus(); }
  }

  function init() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-copy-from]"), setUpCopy);
    if (document.readyState === "complete") {
      window.setTimeout(focusResult, 0);
    } else {
      window.addEventListener("load", function () { window.setTimeout(focusResult, 0); });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
