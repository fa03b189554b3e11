// Small behaviours any page may use, declared in the markup instead of inline handlers
// (the Content-Security-Policy refuses onsubmit= and onclick=):
//   <form data-confirm="Question?">   asks before the form is sent
//   <button data-print>                prints the page
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]") && !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-print]");
    if (button) { event.preventDefault(); window.print(); }
  });
})();
