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
  // After a refused form the page would open at its top: put the person on the first field to
  // fix. The summary lists the fields in the page's order (the form's class may differ from it).
  function errorTarget(link) { return document.getElementById(link.getAttribute("href").slice(1)); }
  function goTo(field) {
    field.focus({preventScroll: true});
    if (field.scrollIntoView) field.scrollIntoView({block: "center", behavior: "instant"});
  }
  var summaryList = document.querySelector("#error-summary ul");
  if (summaryList) {
    var items = Array.prototype.filter.call(summaryList.children, function (li) {
      var link = li.querySelector("a[data-error-link]");
      return link && errorTarget(link);
    });
    items.sort(function (a, b) {
      var x = errorTarget(a.querySelector("a")), y = errorTarget(b.querySelector("a"));
      return x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    });
    items.forEach(function (li) { summaryList.appendChild(li); });
    if (items.length) goTo(errorTarget(items[0].querySelector("a")));
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-error-link]");
    var field = link && errorTarget(link);
    if (field) { event.preventDefault(); goTo(field); }
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
