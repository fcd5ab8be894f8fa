/* A unit select's search box (templates/lists/_unit_search.html): as the user types, htmx asks
   projects:units for the matching units of their scope and puts them in the select. A file, not an
   inline script (the Content-Security-Policy); without scripts the box stays hidden and the select
   lists the first units with its hint to choose a 主管部门 first. */
"use strict";

(function () {
  var INPUT = "[data-unit-search] input[type=search]";

  htmx.onLoad(function (root) {
    root.querySelectorAll("[data-unit-search][hidden]").forEach(function (box) {
      var input = box.querySelector("input[type=search]");
      var department = box.dataset.department && document.getElementById(box.dataset.department);
      box.hidden = false;
      /* Enter searches at once instead of sending the filter form (the box's text is no filter) */
      input.addEventListener("keydown", function (event) {
        if (event.key !== "Enter") return;
        event.preventDefault();
        htmx.trigger(input, "search");
      });
      if (!department) return;
      /* another 主管部门: its units, and the unit chosen before (of the old one) no longer applies */
      department.addEventListener("change", function () {
        var select = document.getElementById(input.getAttribute("aria-controls"));
        if (select) select.value = "";
        htmx.trigger(input, "search");
      });
    });
  });

  /* the box has no name (it is no filter of the list): its text goes as q */
  document.body.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (elt.matches && elt.matches(INPUT)) event.detail.parameters.q = elt.value;
  });
})();
