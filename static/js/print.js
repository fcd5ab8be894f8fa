/* evalsys: the 打印 button of the print view opens the browser's print dialog (a script file:
   the Content-Security-Policy forbids inline handlers). */
"use strict";

document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) {
    event.preventDefault();
    window.print();
  }
});
