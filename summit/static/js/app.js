// Small behaviours any page may use, declared in the markup instead of inline handlers
// (the Content-Security-Policy refuses onsubmit= and onclick=):
//   <form data-confirm="Question?">   asks before the form is sent
//   <button data-print>                prints the page
//   <div data-clear-draft="KEY">       forgets a form draft kept in sessionStorage under KEY
(function () {
  "use strict";
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    try { sessionStorage.removeItem(el.getAttribute("data-clear-draft")); } catch (e) { /* storage off */ }
  });
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
