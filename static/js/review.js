/* The review queue: a 全选 box ticks or clears every project of the list (no inline scripts: CSP). */
"use strict";

document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-select-all]");
  if (!all) return;
  var form = all.form || document;
  form.querySelectorAll('input[type="checkbox"][name="' + all.dataset.selectAll + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
