// The process library's modeler: bpmn-js Modeler with the properties panel (vendor/modeler bundle)
// for BPMN, dmn-js (vendor/dmn-modeler bundle) for DMN, both in the page's language (labels from
// the embedded [data-modeler-translations]). Saves the XML with a fetch POST (CSRF token in a
// header), shows the validation report as a problems list and as markers + overlays on the diagram.
// The diagram opens fitted to the part of the canvas the palette leaves free; the properties panel
// can be hidden (and starts hidden on a phone, where it sits below the canvas).
(function () {
  "use strict";

  const root = document.getElementById("process-modeler");
  if (!root) {
    return;
  }
  const data = root.dataset;
  const kind = data.kind;
  const canvasNode = root.querySelector("[data-modeler-canvas]");
  const propertiesNode = root.querySelector("[data-modeler-properties]");
  const frameNode = root.querySelector("[data-modeler-frame]");
  const propertiesToggle = root.querySelector("[data-action=toggle-properties]");
  const translations = JSON.parse(root.querySelector("[data-modeler-translations]").textContent);
  const PHONE = window.matchMedia("(max-width: 767.98px)");
  // Below this zoom the labels cannot be read: a wider diagram is shown from its left (its start).
  // A laptop shows whole diagrams down to a smaller zoom than a phone, where the start matters more.
  const MIN_FIT_SCALE = PHONE.matches ? 0.5 : 0.3;
  const MARGIN = 16;
  const statusNode = root.querySelector("[data-modeler-status]");
  const problemsNode = root.querySelector("[data-problems]");
  const noProblemsNode = root.querySelector("[data-no-problems]");
  const saveButton = root.querySelector("[data-action=save]");
  const validateButton = root.querySelector("[data-action=validate]");
  let modeler = null;
  let dirty = false;
  let overlayIds = [];
  let markers = [];

  function setStatus(text, tone) {
    statusNode.textContent = text;
    statusNode.className = "small " + (tone ? "text-" + tone : "text-secondary");
  }

  function registry() {
    return kind === "bpmn" && modeler ? modeler.get("elementRegistry") : null;
  }

  function clearMarkers() {
    if (kind !== "bpmn" || !modeler) {
      return;
    }
    const canvas = modeler.get("canvas");
    const overlays = modeler.get("overlays");
    markers.forEach(function (entry) {
      canvas.removeMarker(entry[0], entry[1]);
    });
    overlayIds.forEach(function (id) {
      overlays.remove(id);
    });
    markers = [];
    overlayIds = [];
  }

  function mark(problems, severity) {
    const elements = registry();
    if (!elements) {
      return;
    }
    const canvas = modeler.get("canvas");
    const overlays = modeler.get("overlays");
    const byElement = {};
    problems.forEach(function (problem) {
      if (problem.element_id && (!problem.file || problem.file === data.file) && elements.get(problem.element_id)) {
        (byElement[problem.element_id] = byElement[problem.element_id] || []).push(problem.message);
      }
    });
    Object.keys(byElement).forEach(function (id) {
      const marker = "validation-" + severity;
      canvas.addMarker(id, marker);
      markers.push([id, marker]);
      const badge = document.createElement("div");
      badge.className = "validation-badge " + severity;
      badge.textContent = byElement[id].join(" · ");
      badge.setAttribute("data-validation-element", id);
      overlayIds.push(overlays.add(id, "validation", { position: { top: -4, left: 0 }, html: badge }));
    });
  }

  function select(elementId) {
    const elements = registry();
    const element = elements && elements.get(elementId);
    if (!element) {
      return false;
    }
    modeler.get("selection").select(element);
    const canvas = modeler.get("canvas");
    if (typeof canvas.scrollToElement === "function") {
      // Scrolled into view right of the palette, not under it.
      canvas.scrollToElement(element, { top: 120, bottom: 120, left: paletteWidth() + 60, right: 120 });
    }
    return true;
  }

  function problemItem(problem, severity) {
    const item = document.createElement("li");
    item.className = "list-group-item d-flex gap-2";
    const icon = document.createElement("i");
    icon.className = severity === "error" ? "bi bi-x-circle text-danger" : "bi bi-exclamation-triangle text-warning";
    item.appendChild(icon);
    const body = document.createElement("span");
    const where = [];
    if (problem.file && problem.file !== data.file) {
      where.push(problem.file + " (" + data.msgOtherFile + ")");
    }
    if (problem.element_id) {
      where.push("#" + problem.element_id);
    }
    if (where.length) {
      const code = document.createElement("code");
      code.className = "me-1";
      code.textContent = where.join(" ");
      body.appendChild(code);
    }
    body.appendChild(document.createTextNode(problem.message));
    item.appendChild(body);
    if (problem.element_id && (!problem.file || problem.file === data.file)) {
      item.setAttribute("data-element-id", problem.element_id);
      item.tabIndex = 0;
      const activate = function () {
        problemsNode.querySelectorAll(".active-problem").forEach(function (node) {
          node.classList.remove("active-problem");
        });
        item.classList.add("active-problem");
        select(problem.element_id);
      };
      item.addEventListener("click", activate);
      item.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          activate();
        }
      });
    }
    return item;
  }

  function showReport(report) {
    const errors = report.errors || [];
    const warnings = report.warnings || [];
    problemsNode.replaceChildren();
    errors.forEach(function (p) {
      problemsNode.appendChild(problemItem(p, "error"));
    });
    warnings.forEach(function (p) {
      problemsNode.appendChild(problemItem(p, "warning"));
    });
    noProblemsNode.classList.toggle("d-none", errors.length + warnings.length > 0);
    root.querySelector("[data-error-count]").textContent = String(errors.length);
    root.querySelector("[data-warning-count]").textContent = String(warnings.length);
    root.dataset.valid = errors.length ? "false" : "true";
    clearMarkers();
    mark(errors, "error");
    mark(warnings, "warning");
  }

  // The width of the canvas's left edge the palette covers (0 when there is none).
  function paletteWidth() {
    const palette = canvasNode.querySelector(".djs-palette");
    if (!palette || palette.offsetParent === null) {
      return 0;
    }
    return palette.getBoundingClientRect().right - canvasNode.getBoundingClientRect().left;
  }

  /**
   * Fit the diagram into the canvas right of the palette, centred there; never above 100 %,
   * and never below MIN_FIT_SCALE (then aligned left/top so the start event is in view).
   */
  function fitDiagram() {
    const canvas = modeler.get("canvas");
    canvas.resized();
    const box = canvas.viewbox();
    const inner = box.inner;
    const outer = box.outer;
    if (!inner.width || !inner.height || !outer.width || !outer.height) {
      return;
    }
    const left = paletteWidth() + MARGIN;
    const width = outer.width - left - MARGIN;
    const height = outer.height - 2 * MARGIN;
    if (width <= 0 || height <= 0) {
      canvas.zoom("fit-viewport", "auto");
      return;
    }
    const scale = Math.max(Math.min(1, width / inner.width, height / inner.height), MIN_FIT_SCALE);
    const x = left + Math.max(0, (width - inner.width * scale) / 2);
    const y = MARGIN + Math.max(0, (height - inner.height * scale) / 2);
    canvas.viewbox({
      x: inner.x - x / scale,
      y: inner.y - y / scale,
      width: outer.width / scale,
      height: outer.height / scale,
    });
  }

  function showProperties(shown) {
    if (!propertiesToggle) {
      return;
    }
    frameNode.classList.toggle("properties-hidden", !shown);
    propertiesToggle.setAttribute("aria-expanded", shown ? "true" : "false");
    propertiesToggle.classList.toggle("active", shown);
    if (modeler && kind === "bpmn") {
      modeler.get("canvas").resized();
    }
  }

  // A DMN cell clamped by the stylesheet shows its full text as a tooltip (and in full while edited).
  function titleClampedCell(event) {
    const cell = event.target.closest && event.target.closest("td");
    const content = cell && cell.querySelector(".content-editable");
    if (!content) {
      return;
    }
    const clamped = content.scrollHeight > content.clientHeight + 1;
    cell.classList.toggle("cell-clamped", clamped);
    if (clamped) {
      cell.title = content.textContent;
    } else {
      cell.removeAttribute("title");
    }
  }

  async function importXml(xml) {
    await modeler.importXML(xml);
    if (kind === "bpmn") {
      fitDiagram();
    } else {
      const table = modeler.getViews().find(function (view) {
        return view.type === "decisionTable";
      });
      if (table) {
        await modeler.open(table);
      }
    }
  }

  async function currentXml() {
    const result = await modeler.saveXML({ format: true });
    return result.xml;
  }

  function headers(extra) {
    return Object.assign({ "X-CSRFToken": data.csrf, "X-Requested-With": "fetch" }, extra || {});
  }

  async function save() {
    saveButton.disabled = true;
    try {
      const response = await fetch(data.saveUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: headers({ "Content-Type": "application/xml; charset=utf-8" }),
        body: await currentXml(),
      });
      const body = await response.json();
      if (body.saved) {
        dirty = false;
        if (body.xml) {
          await importXml(body.xml);
          dirty = false;
          setStatus(data.msgNormalised, "info");
        } else {
          setStatus(body.valid ? data.msgSaved : data.msgSavedInvalid, body.valid ? "success" : "warning");
        }
      } else {
        setStatus(data.msgNotSaved + " " + ((body.errors && body.errors[0] && body.errors[0].message) || ""), "danger");
      }
      showReport(body);
      return body;
    } catch (error) {
      setStatus(data.msgFailed, "danger");
      return null;
    } finally {
      saveButton.disabled = false;
    }
  }

  async function validate() {
    if (dirty) {
      const saved = await save();
      if (saved) {
        setStatus(saved.valid ? data.msgValid : data.msgInvalid, saved.valid ? "success" : "danger");
      }
      return;
    }
    validateButton.disabled = true;
    try {
      const response = await fetch(data.validateUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: headers(),
      });
      const body = await response.json();
      showReport(body);
      setStatus(body.valid ? data.msgValid : data.msgInvalid + " " + (body.errors || []).length, body.valid ? "success" : "danger");
    } catch (error) {
      setStatus(data.msgFailed, "danger");
    } finally {
      validateButton.disabled = false;
    }
  }

  async function start() {
    try {
      showProperties(!PHONE.matches);
      if (kind === "bpmn") {
        modeler = window.MahallaModeler.createModeler(canvasNode, propertiesNode, translations);
      } else {
        modeler = window.MahallaDmnModeler.createModeler(canvasNode, translations);
        canvasNode.addEventListener("mouseover", titleClampedCell);
      }
      const response = await fetch(data.xmlUrl, { credentials: "same-origin" });
      await importXml(await response.text());
    } catch (error) {
      setStatus(data.msgLoadError + " " + (error && error.message ? error.message : error), "danger");
      root.dataset.ready = "error";
      return;
    }
    const changed = function () {
      dirty = true;
      setStatus(data.msgUnsaved, "warning");
    };
    if (kind === "bpmn") {
      modeler.on("commandStack.changed", changed);
    } else {
      modeler.on("views.changed", function () {
        const viewer = modeler.getActiveViewer();
        if (viewer) {
          viewer.on("elements.changed", changed);
        }
      });
      const viewer = modeler.getActiveViewer();
      if (viewer) {
        viewer.on("elements.changed", changed);
      }
    }
    showReport(JSON.parse(root.querySelector("[data-initial-report]").textContent));
    if (saveButton) {
      saveButton.disabled = false;
      saveButton.addEventListener("click", save);
    }
    if (validateButton) {
      validateButton.disabled = false;
      validateButton.addEventListener("click", validate);
    }
    if (propertiesToggle) {
      propertiesToggle.addEventListener("click", function () {
        showProperties(frameNode.classList.contains("properties-hidden"));
      });
    }
    if (kind === "bpmn" && typeof window.ResizeObserver === "function") {
      // A turned phone or a resized window: the canvas learns its new size (the view stays put).
      new window.ResizeObserver(function () {
        modeler.get("canvas").resized();
      }).observe(canvasNode);
    }
    if (window.location.hash.length > 1) {
      select(decodeURIComponent(window.location.hash.slice(1)));
    }
    window.addEventListener("beforeunload", function (event) {
      if (dirty) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
    root.dataset.ready = "true";
  }

  // The vendor scripts are deferred like this one and run first, in document order.
  start();
})();
