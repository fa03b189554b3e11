// A batch page (badges, certificates): draws the progress bar from its data-percent and, while
// the batch is queued or running, polls the job's status URL until it is done or failed. A
// failed batch reloads the page, which shows why and the button to try again.
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
  function toggle(id, visible) {
    var node = document.getElementById(id);
    if (node) { node.classList.toggle("d-none", !visible); }
  }
  show(Number(bar.getAttribute("data-percent")) || 0);
  var url = box.getAttribute("data-url");
  var status = box.getAttribute("data-status");
  if (!url || (status !== "queued" && status !== "running")) { return; }
  var label = box.getAttribute("data-label");
  function poll() {
    fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (job) {
        show(job.percent);
        document.getElementById("counts").textContent = label.replace("{done}", job.done).replace("{total}", job.total);
        toggle("waiting", job.status === "queued");
        if (job.status === "done") {
          bar.classList.remove("progress-bar-animated");
          toggle("cancel", false);
          toggle("download", true);
        } else if (job.status === "failed") {
          window.location.reload();
        } else {
          setTimeout(poll, 700);
        }
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
