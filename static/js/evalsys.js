/* evalsys: the site's own script (no inline scripts: the Content-Security-Policy forbids them). */
"use strict";

/* Progress bars take their width from aria-valuenow: style attributes are blocked by the CSP
   (style-src 'self'), while setting element.style from a script file is allowed. */
htmx.onLoad(function (root) {
  var bars = Array.from(root.querySelectorAll(".progress[aria-valuenow]"));
  if (root.matches && root.matches(".progress[aria-valuenow]")) bars.push(root);
  bars.forEach(function (progress) {
    var bar = progress.querySelector(".progress-bar");
    var value = Number(progress.getAttribute("aria-valuenow"));
    if (bar && isFinite(value)) bar.style.width = Math.max(0, Math.min(100, value)) + "%";
  });
});

/* A field sent back with an error has the focus (autofocus); the browser scrolls it only to the
   window's edge, so its message under it could stay out of sight: centre it. */
window.addEventListener("load", function () {  /* after the styles are applied: the layout is final */
  var field = document.querySelector("[autofocus][aria-invalid=true]");
  if (field) field.scrollIntoView({block: "center"});
});
