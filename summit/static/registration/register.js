// One submission per click: a double click (or an impatient second tap on a slow phone)
// sends the form once. The server refuses a second registration of the same person anyway.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form.reg-form").forEach(function (form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector('button[type="submit"]');
      if (button) { setTimeout(function () { button.disabled = true; }, 0); }
    });
  });
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
