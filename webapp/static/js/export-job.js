/*
 * The background export's page (templates/exports/job.html): polls the job's JSON status every
 * second while it is queued or running, moves the progress bar, and shows the download link.
 */
(function () {
  "use strict";

  function setup(card) {
    var labels = JSON.parse(card.dataset.labels || "{}");
    var bar = card.querySelector("[data-job-bar]");
    var progress = card.querySelector("[data-job-progress]");
    var state = card.querySelector("[data-job-state]");
    var done = card.querySelector("[data-job-done]");
    var total = card.querySelector("[data-job-total]");
    var link = card.querySelector("[data-job-download]");
    var error = card.querySelector("[data-job-error]");

    function show(status) {
      card.dataset.status = status.status;
      state.textContent = labels[status.status] || status.status;
      done.textContent = String(status.rows_done);
      total.textContent = String(status.rows_total);
      bar.style.width = status.percent + "%";
      progress.setAttribute("aria-valuenow", String(status.percent));
      var finished = status.status !== "queued" && status.status !== "running";
      bar.classList.toggle("progress-bar-animated", !finished);
      bar.classList.toggle("progress-bar-striped", !finished);
      bar.classList.toggle("bg-danger", status.status === "failed");
      bar.classList.toggle("bg-success", status.status === "done");
      error.classList.toggle("d-none", status.status !== "failed");
      if (status.download_url) {
        link.href = status.download_url;
        link.classList.remove("d-none");
      }
      return finished;
    }

    function poll() {
      fetch(card.dataset.statusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.json();
        })
        .then(function (status) {
          if (!show(status)) {
            window.setTimeout(poll, 1000);
          }
        })
        .catch(function () {
          window.setTimeout(poll, 5000);
        });
    }

    if (card.dataset.status === "queued" || card.dataset.status === "running") {
      poll();
    }
  }

  function start() {
    document.querySelectorAll(".export-job[data-status-url]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
