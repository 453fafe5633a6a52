/* Incident records: move the focus to an error summary, so that screen readers and
   keyboard users start at the list of problems (each links to its field). */
(function () {
  "use strict";
  var summary = document.querySelector(".inc-error-summary");
  if (summary) { summary.focus(); }
}());
