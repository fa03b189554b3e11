// The badge batch page: draws the progress bar from its data-percent and, while the batch
// runs, polls the job's status URL until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  var bar = document.getElementById("bar");
  if (!box || !bar) { return; }
  function show(percent) {
    bar.style.width = percent + "%";
    bar.textContent = percent + "%";
    bar.parentNode.setAttribute("aria-valuenow", percent);
  }
  show(Number(bar.getAttribute("data-percent")) || 0);
  var url = box.getAttribute("data-url");
  if (!url || box.getAttribute("data-status") === "done") { return; }
  var label = box.getAttribute("data-label");
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job.percent);
        document.getElementById("counts").textContent = label.replace("{done}", job.done).replace("{total}", job.total);
        if (job.status === "done") {
          bar.classList.remove("progress-bar-animated");
          document.getElementById("download").classList.remove("d-none");
        } else if (job.status === "failed") {
          document.getElementById("failed").classList.remove("d-none");
        } else {
          setTimeout(poll, 700);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
