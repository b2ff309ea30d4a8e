// Dashboards: draws the charts from the JSON in #dash-data with Chart.js, switches chart/table
// views, and submits the period presets. Every chart also has a table (no JavaScript needed).
(function () {
  "use strict";
  const source = document.getElementById("dash-data");
  if (!source) return;
  const data = JSON.parse(source.textContent);
  const names = data.names;
  const colours = {
    primary: "#0b5d6b", light: "#7fb8c2", good: "#2f9e6a", bad: "#d9485f", warn: "#f0ad4e",
    grey: "#adb5bd", previous: "#94a3b8",
    parts: ["#0b5d6b", "#2f9e6a", "#f0ad4e", "#6f42c1", "#d9485f", "#20c997", "#adb5bd"],
  };

  // Period presets: choosing one submits the form; "custom" shows the date inputs.
  const form = document.getElementById("dash-filters");
  if (form) {
    const dates = form.querySelector(".dash-dates");
    form.querySelectorAll('input[name="period"]').forEach(function (radio) {
      radio.addEventListener("change", function () {
        if (radio.value === "custom") {
          dates.classList.remove("d-none");
          form.querySelector("#f-from").focus();
          return;
        }
        dates.querySelectorAll("input").forEach(function (input) { input.value = ""; });
        form.submit();
      });
    });
    form.addEventListener("submit", function () {
      const custom = form.querySelector("#period-custom");
      if (custom && !custom.checked) {
        dates.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
      }
      form.querySelectorAll("select").forEach(function (select) { if (!select.value) select.disabled = true; });
    });
  }

  // Chart / table toggles.
  document.querySelectorAll("[data-toggle-for]").forEach(function (group) {
    const card = document.getElementById("card-" + group.dataset.toggleFor);
    group.querySelectorAll("button[data-view]").forEach(function (button) {
      button.addEventListener("click", function () {
        const view = button.dataset.view;
        group.querySelectorAll("button").forEach(function (other) {
          const on = other === button;
          other.classList.toggle("active", on);
          other.setAttribute("aria-pressed", on ? "true" : "false");
        });
        card.querySelectorAll("[data-pane]").forEach(function (pane) {
          pane.classList.toggle("d-none", pane.dataset.pane !== view);
        });
      });
    });
  });

  if (typeof Chart === "undefined") return;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#52606d";
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.animation.duration = 400;

  function empty(id) {
    const canvas = document.getElementById("chart-" + id);
    const note = document.createElement("div");
    note.className = "dash-empty";
    note.textContent = canvas.dataset.empty || "—";
    canvas.replaceWith(note);
  }
  function sum(values) { return values.reduce(function (a, b) { return a + (b || 0); }, 0); }

  function trend() {
    const t = data.trend;
    if (!t.labels.length) return empty("trend");
    new Chart(document.getElementById("chart-trend"), {
      data: {
        labels: t.labels,
        datasets: [
          { type: "bar", label: names.received, data: t.received, backgroundColor: colours.light, borderRadius: 3, order: 2 },
          { type: "bar", label: names.answered, data: t.answered, backgroundColor: colours.primary, borderRadius: 3, order: 3 },
          { type: "line", label: names.overdue, data: t.overdue, borderColor: colours.bad, backgroundColor: colours.bad, cubicInterpolationMode: "monotone", pointRadius: 3, order: 1 },
          { type: "line", label: names.previous, data: t.previous, borderColor: colours.previous, borderDash: [5, 4], pointRadius: 0, cubicInterpolationMode: "monotone", order: 0 },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function satisfaction() {
    const s = data.satisfaction;
    if (!s.average.some(function (v) { return v !== null; })) return empty("satisfaction");
    new Chart(document.getElementById("chart-satisfaction"), {
      data: {
        labels: s.labels,
        datasets: [
          { type: "bar", label: names.average, data: s.average, backgroundColor: colours.warn, borderRadius: 3, yAxisID: "score", order: 1 },
          { type: "line", label: names.satisfied, data: s.satisfied, borderColor: colours.good, backgroundColor: colours.good, cubicInterpolationMode: "monotone", spanGaps: true, yAxisID: "share", order: 0 },
        ],
      },
      options: {
        interaction: { mode: "index", intersect: false },
        scales: {
          score: { position: "left", min: 0, max: 5, ticks: { stepSize: 1 } },
          share: { position: "right", min: 0, max: 100, grid: { display: false }, ticks: { callback: function (v) { return v + "%"; } } },
          x: { grid: { display: false } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function outcomes(id) {
    const o = data[id];
    if (!o.labels.length) return empty(id);
    new Chart(document.getElementById("chart-" + id), {
      type: "bar",
      data: {
        labels: o.labels,
        datasets: [
          { label: names.on_time, data: o.on_time, backgroundColor: colours.good },
          { label: names.late, data: o.late, backgroundColor: colours.bad },
          { label: names.other, data: o.other, backgroundColor: colours.grey },
        ],
      },
      options: {
        indexAxis: "y",
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
          y: { stacked: true, grid: { display: false }, ticks: { autoSkip: false, callback: function (value) {
            const text = this.getLabelForValue(value);
            return text.length > 22 ? text.slice(0, 21) + "…" : text;
          } } },
        },
        plugins: { legend: { position: "bottom" } },
      },
    });
  }

  function parts(id) {
    const p = data[id];
    if (!sum(p.values)) return empty(id);
    new Chart(document.getElementById("chart-" + id), {
      type: "doughnut",
      data: { labels: p.labels, datasets: [{ label: names.appeals, data: p.values, backgroundColor: colours.parts, borderWidth: 2 }] },
      options: { cutout: "60%", plugins: { legend: { position: "bottom" } } },
    });
  }

  trend();
  satisfaction();
  ["places", "category", "inspector"].forEach(outcomes);
  ["channel", "kind"].forEach(parts);
})();
