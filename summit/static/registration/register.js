// One submission per click: a double click (or an impatient second tap on a slow phone)
// sends the form once. The server refuses a second registration of the same person anyway.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.reg-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector('button[type="submit"]');
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
  document.querySelectorAll("form.reg-form").forEach(keepDraft);
  // Birth year follows from a resident identity card number.
  var number = document.getElementById("id_number"), year = document.getElementById("birth_year");
  if (number && year) {
    number.addEventListener("blur", function () {
      var v = number.value.trim();
      var kind = document.querySelector('input[name="id_type"]:checked');
      if (!year.value && kind && kind.value === "resident_id" && /^\d{17}[\dXx]$/.test(v)) { year.value = v.substr(6, 4); }
    });
  }
});

// A draft of the form in this tab (sessionStorage): when the venue's network drops just as the
// form is sent, reloading the page brings back what was typed. The identity number and the
// consent are not kept. The confirmation page clears the draft (data-clear-draft, app.js).
var DRAFT = "summit-register-draft";
var NOT_KEPT = {csrf_token: true, id_number: true, consent: true};

function keepDraft(form) {
  function kept(el) {
    return el.name && !NOT_KEPT[el.name] && ["file", "submit", "hidden", "button"].indexOf(el.type) < 0;
  }
  function save() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!kept(el)) return;
      var values = data[el.name] || (data[el.name] = []);
      if (el.type === "checkbox" || el.type === "radio") { if (el.checked) values.push(el.value); }
      else if (el.multiple) { Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); }); }
      else values.push(el.value);
    });
    try { sessionStorage.setItem(DRAFT, JSON.stringify(data)); } catch (e) { /* storage full or off */ }
  }
  var data = null;
  try { data = JSON.parse(sessionStorage.getItem(DRAFT)); } catch (e) { data = null; }
  var name = form.elements.namedItem("name");
  // Only into an empty form: one the server sent back (with its errors) keeps its own values.
  if (data && name && !name.value) {
    Array.prototype.forEach.call(form.elements, function (el) {
      var values = kept(el) && data[el.name];
      if (!values) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) >= 0;
      else if (el.multiple) Array.prototype.forEach.call(el.options, function (o) { o.selected = values.indexOf(o.value) >= 0; });
      else if (values.length) el.value = values[0];
    });
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);
}
