// Select or clear every row of the registrations list at once.
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('#bulk input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
  });
});
