// Small behaviours any page may use, declared in the markup instead of inline handlers
// (the Content-Security-Policy refuses onsubmit= and onclick=):
//   <form data-confirm="Question?">   asks before the form is sent
//   <button data-print>                prints the page
//   <div data-clear-draft="KEY">       forgets a form draft kept in sessionStorage under KEY
//   <div id="error-summary">           a form's errors: the first field in error gets the focus
(function () {
  "use strict";
  document.querySelectorAll("[data-clear-draft]").forEach(function (el) {
    try { sessionStorage.removeItem(el.getAttribute("data-clear-draft")); } catch (e) { /* storage off */ }
  });
  // After a refused form the page would open at its top: put the person on the first field to fix.
  var firstError = document.querySelector("#error-summary a[data-error-link]");
  var target = firstError && document.getElementById(firstError.getAttribute("href").slice(1));
  if (target) {
    target.focus();
    if (target.scrollIntoView) target.scrollIntoView({block: "center"});
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-error-link]");
    var field = link && document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({block: "center"}); }
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
