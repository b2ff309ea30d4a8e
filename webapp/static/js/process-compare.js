/*
 * Two versions side by side (templates/process_changes/compare.html).
 *
 * One bpmn-js navigated viewer per side; a tab per BPMN file loads that file of each version and
 * colours the elements the comparison found removed/changed (left) and added/changed (right).
 * Marker ids come from a JSON script element; text is only ever set with textContent.
 * Each canvas reports data-rendered ("true", "absent" or "error") for tests and tools.
 */
(function () {
  "use strict";

  async function draw(viewer, host, url, ids, text) {
    host.dataset.rendered = "false";
    var old = host.querySelector(".compare-note");
    if (old) {
      old.remove();
    }
    var response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/xml" } });
    if (response.status === 404) {
      viewer.clear();
      var note = document.createElement("p");
      note.className = "compare-note text-secondary small p-3";
      note.textContent = text.msgAbsent;
      host.appendChild(note);
      host.dataset.rendered = "absent";
      return;
    }
    if (!response.ok) {
      throw new Error("HTTP " + response.status);
    }
    await viewer.importXML(await response.text());
    var canvas = viewer.get("canvas");
    var registry = viewer.get("elementRegistry");
    canvas.zoom("fit-viewport", "auto");
    Object.keys(ids).forEach(function (change) {
      ids[change].forEach(function (id) {
        if (registry.get(id)) {
          canvas.addMarker(id, "cmp-" + change);
        }
      });
    });
    host.dataset.rendered = "true";
  }

  function setup(card) {
    var text = card.dataset;
    var markers = JSON.parse(card.querySelector("[data-compare-markers]").textContent || "{}");
    var sides = ["before", "after"].map(function (side) {
      var host = card.querySelector('[data-compare-side="' + side + '"]');
      return { side: side, host: host, viewer: new window.BpmnJS({ container: host }), url: text[side + "Url"] };
    });

    function show(file) {
      sides.forEach(function (s) {
        var ids = (markers[file] || {})[s.side] || {};
        draw(s.viewer, s.host, s.url.replace("__FILE__", encodeURIComponent(file)), ids, text).catch(function (error) {
          s.host.dataset.rendered = "error";
          var note = document.createElement("p");
          note.className = "compare-note text-danger small p-3";
          note.textContent = text.msgError;
          s.host.appendChild(note);
          if (window.console) {
            window.console.warn("compare:", error);
          }
        });
      });
    }

    var tabs = card.querySelectorAll("[data-compare-file]");
    tabs.forEach(function (tab) {
      tab.addEventListener("click", function () {
        tabs.forEach(function (other) {
          other.classList.toggle("active", other === tab);
        });
        show(tab.dataset.compareFile);
      });
    });
    if (tabs.length) {
      show(tabs[0].dataset.compareFile);
    }
  }

  function start() {
    if (typeof window.BpmnJS !== "function" || !window.fetch) {
      return;
    }
    document.querySelectorAll(".version-compare").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
