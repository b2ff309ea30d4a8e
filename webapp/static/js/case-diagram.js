/*
 * The case's process diagram (templates/appeals/_diagram.html).
 *
 * Fetches diagrams.json (the processes to show, with the ids of completed and current
 * elements), builds one tab per process, and draws the selected process's BPMN document
 * with the bpmn-js navigated viewer (window.BpmnJS), marking elements "done" / "current".
 * State for tests and tools is written to the canvas element's data attributes:
 * data-process-id, data-rendered ("true" when drawn) and data-import-warnings (a count).
 * Strings come from data attributes; text is only ever set with textContent.
 *
 * The bottlenecks page (templates/bottlenecks/page.html) uses the same card: its entries carry
 * "heat" (element id → level 0…1 or null, median, p90, waiting), drawn as a colour marker
 * heat-0 … heat-4 (green → red, heat-none without completions) and an overlay badge per element.
 * data-first-tab on the card chooses the tab opened first (default: the current stage).
 */
(function () {
  "use strict";

  function markAll(canvas, registry, ids, marker) {
    ids.forEach(function (id) {
      if (registry.get(id)) {
        canvas.addMarker(id, marker);
      }
    });
  }

  /* Flows between completed elements (or into the current one) are part of the path taken. */
  function markFlows(canvas, registry, done, current) {
    registry
      .filter(function (element) {
        return element.waypoints && element.source && element.target && element.type === "bpmn:SequenceFlow";
      })
      .forEach(function (flow) {
        if (done.has(flow.source.id) && (done.has(flow.target.id) || current.has(flow.target.id))) {
          canvas.addMarker(flow.id, "done");
        }
      });
  }

  function heatClass(level) {
    if (level === null || level === undefined) {
      return "heat-none";
    }
    return "heat-" + Math.min(Math.floor(level * 5), 4);
  }

  function badgeLine(parent, text) {
    var line = document.createElement("span");
    line.textContent = text;
    parent.appendChild(line);
  }

  /* Colour each element by its level and put its figures in a badge under it. */
  function drawHeat(viewer, registry, heat, text) {
    var canvas = viewer.get("canvas");
    var overlays = viewer.get("overlays");
    Object.keys(heat).forEach(function (id) {
      var element = registry.get(id);
      var figures = heat[id];
      if (!element) {
        return;
      }
      var marker = heatClass(figures.level);
      canvas.addMarker(id, "heat");
      canvas.addMarker(id, marker);
      var badge = document.createElement("div");
      badge.className = "heat-badge " + marker;
      badge.dataset.element = id;
      if (figures.level === null || figures.level === undefined) {
        badgeLine(badge, text.labelNoData);
      } else {
        badgeLine(badge, text.labelMedian + " " + figures.median);
        badgeLine(badge, text.labelP90 + " " + figures.p90);
      }
      var waiting = document.createElement("span");
      waiting.className = figures.waiting ? "heat-waiting" : "heat-waiting-none";
      waiting.textContent = text.labelWaiting + " " + figures.waiting;
      badge.appendChild(waiting);
      overlays.add(id, "heat", { position: { top: (element.height || 80) + 4, left: 0 }, html: badge });
    });
  }

  function setup(card) {
    var host = card.querySelector("[data-diagram-canvas]");
    var tabs = card.querySelector("[data-diagram-tabs]");
    var status = card.querySelector("[data-diagram-status]");
    var text = card.dataset;
    var viewer = null;
    var showing = 0;

    function say(message, isError) {
      status.textContent = message || "";
      status.classList.toggle("text-danger", Boolean(isError));
    }

    function fail(error) {
      host.dataset.rendered = "error";
      say(text.msgError, true);
      if (window.console && error) {
        window.console.warn("case diagram:", error);
      }
    }

    async function show(entry) {
      var ticket = ++showing;
      host.dataset.rendered = "false";
      host.dataset.processId = entry.process_id;
      host.setAttribute("aria-label", entry.title);
      say(text.msgLoading);
      var response = await fetch(entry.xml_url, { credentials: "same-origin", headers: { Accept: "application/xml" } });
      if (!response.ok) {
        throw new Error("diagram " + entry.process_id + ": HTTP " + response.status);
      }
      var xml = await response.text();
      if (ticket !== showing) {
        return;
      }
      var result = await viewer.importXML(xml);
      if (ticket !== showing) {
        return;
      }
      var canvas = viewer.get("canvas");
      var registry = viewer.get("elementRegistry");
      canvas.zoom("fit-viewport", "auto");
      var done = new Set(entry.done);
      var current = new Set(entry.current);
      markAll(canvas, registry, done, "done");
      markAll(canvas, registry, current, "current");
      markFlows(canvas, registry, done, current);
      if (entry.heat) {
        drawHeat(viewer, registry, entry.heat, text);
      }
      host.dataset.importWarnings = String(result.warnings.length);
      host.dataset.rendered = "true";
      say("");
    }

    function select(button, entry) {
      tabs.querySelectorAll("button[role=tab]").forEach(function (other) {
        var active = other === button;
        other.classList.toggle("active", active);
        other.setAttribute("aria-selected", active ? "true" : "false");
        other.tabIndex = active ? 0 : -1;
      });
      show(entry).catch(fail);
    }

    function buildTabs(entries) {
      var buttons = entries.map(function (entry, index) {
        var item = document.createElement("li");
        item.className = "nav-item";
        item.setAttribute("role", "presentation");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "nav-link";
        button.setAttribute("role", "tab");
        button.dataset.processId = entry.process_id;
        button.textContent = entry.title;
        if (index > 0 && entry.current.length) {
          var badge = document.createElement("span");
          badge.className = "badge text-bg-warning diagram-tab-stage";
          badge.textContent = text.labelStage;
          button.appendChild(badge);
        }
        button.addEventListener("click", function () {
          select(button, entry);
        });
        item.appendChild(button);
        tabs.appendChild(item);
        return button;
      });
      tabs.addEventListener("keydown", function (event) {
        var at = buttons.indexOf(document.activeElement);
        if (at < 0 || (event.key !== "ArrowRight" && event.key !== "ArrowLeft")) {
          return;
        }
        var next = buttons[(at + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length];
        next.focus();
        next.click();
      });
      return buttons;
    }

    if (typeof window.BpmnJS !== "function" || !window.fetch) {
      fail(new Error("the bpmn-js viewer did not load"));
      return;
    }
    viewer = new window.BpmnJS({ container: host });
    fetch(text.diagramsUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("diagrams.json: HTTP " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        var entries = data.diagrams || [];
        if (!entries.length) {
          host.dataset.rendered = "empty";
          say(text.msgEmpty);
          return;
        }
        var buttons = buildTabs(entries);
        // Open the current stage's diagram when there is one: that is where the case waits.
        var first = entries.length > 1 ? 1 : 0;
        if (text.firstTab !== undefined) {
          first = Math.min(Number(text.firstTab) || 0, entries.length - 1);
        }
        select(buttons[first], entries[first]);
      })
      .catch(fail);
  }

  function start() {
    document.querySelectorAll(".case-diagram[data-diagrams-url]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
