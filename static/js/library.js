/* 指标库: suggestions as the officer types the new row's 三级 name, and filling the row from a pick.
   A file, not an inline script: the Content-Security-Policy forbids inline scripts. */
"use strict";

(function () {
  var box = document.getElementById("library-suggest");
  if (!box) return;
  var NAME = "#new-indicator input[name$=level3]";

  function wire() {
    var input = document.querySelector(NAME);
    if (!input || input.hasAttribute("hx-get")) return;
    input.setAttribute("hx-get", box.dataset.url);
    input.setAttribute("hx-trigger", "input changed delay:250ms");
    input.setAttribute("hx-target", "#library-suggest");
    input.setAttribute("hx-swap", "innerHTML");
    input.setAttribute("hx-sync", "this:replace");
    input.setAttribute("autocomplete", "off");
    input.setAttribute("aria-controls", "library-suggest");
    htmx.process(input);
    box.innerHTML = "";  // a new tree (a row was added): old suggestions no longer apply
  }

  htmx.onLoad(wire);

  document.body.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (!elt.matches || !elt.matches(NAME)) return;
    event.detail.parameters.q = elt.value;
    event.detail.parameters.scheme = box.dataset.scheme;
  });

  function hasOption(select, value) {
    return Array.from(select.options).some(function (option) { return option.value === value; });
  }

  function setValue(form, name, value) {
    var field = form.querySelector("[name$=" + name + "]");
    if (!field || value === undefined) return;
    if (field.tagName === "SELECT" && !hasOption(field, value)) return;
    field.value = value;
  }

  box.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-library-pick]");
    var form = document.getElementById("new-indicator");
    if (!pick || !form) return;
    var data = pick.dataset;
    setValue(form, "level3", data.level3);
    if (data.nature) setValue(form, "comparator", data.nature);
    setValue(form, "target", data.value);
    setValue(form, "unit", data.unit);
    var level1 = form.querySelector("[name$=level1]");
    var level2 = form.querySelector("[name$=level2]");
    var chooseLevel2 = function () { if (data.level2) setValue(form, "level2", data.level2); };
    if (data.level1 && level1 && level1.value !== data.level1 && hasOption(level1, data.level1)) {
      level1.value = data.level1;
      /* the 一级 cell reloads the 二级 options (hx-get on change): choose the 二级 once they are in */
      var settled = function (swap) {
        if (swap.target !== level2) return;
        form.removeEventListener("htmx:afterSettle", settled);
        chooseLevel2();
      };
      form.addEventListener("htmx:afterSettle", settled);
      level1.dispatchEvent(new Event("change", { bubbles: true }));
    } else {
      chooseLevel2();
    }
    box.innerHTML = "";
    var weight = form.querySelector("[name$=weight]");
    if (weight) weight.focus();
  });
})();
