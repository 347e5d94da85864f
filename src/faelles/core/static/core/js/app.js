// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // After an htmx swap, move focus to the updated region so keyboard and screen-reader users
  // notice the change (WCAG 2.4.3 / 4.1.3).
  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.hasAttribute("data-focus-on-swap")) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  });
})();
