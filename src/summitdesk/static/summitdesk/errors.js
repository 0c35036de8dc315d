// A submission that failed: its error summary is the first thing on the screen and has
// the focus, so that a person on a phone, or with a screen reader, starts from the list
// of what to correct (each item links to its field). Loaded by every page's frame.
(function () {
  "use strict";
  function focusSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusSummary);
  } else {
    focusSummary();
  }
})();
