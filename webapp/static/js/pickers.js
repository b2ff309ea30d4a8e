/*
 * Date pickers and file inputs in the page's language (<html lang>), on every page.
 *
 * Dates: each input[type=date] and input[type=datetime-local] gets a flatpickr calendar (vendored,
 * with its Uzbek Latin and Russian locales) whose visible field shows the language's short date
 * (03.12.2026, 03/12/2026 in English) and accepts typing; the named input keeps the ISO value the
 * server reads (2026-12-03). The visible field takes over the input's id, so its <label>, its
 * error text (aria-describedby) and the min/max range stay with what the person edits.
 *
 * The visible field's placeholder says the format to type, in the page's language (kk.oo.yyyy,
 * дд.мм.гггг, dd/mm/yyyy: data-date-hint and data-datetime-hint of <body>, from the catalogues).
 *
 * Files: the browser's own button and "no file chosen" text follow the browser's language, not the
 * page's; each input[type=file] is drawn as a button and a status line in the page's language (the
 * texts come from data-file-* attributes of <body>). The native input stays focusable underneath.
 */
(function () {
  "use strict";

  var DATE_FORMATS = { uz: "d.m.Y", ru: "d.m.Y", en: "d/m/Y" };
  var LOCALES = { uz: "uz_latn", ru: "ru" };

  function language() {
    var lang = (document.documentElement.lang || "uz").slice(0, 2);
    return DATE_FORMATS[lang] ? lang : "uz";
  }

  function copyAttribute(from, to, name) {
    if (from.hasAttribute(name)) {
      to.setAttribute(name, from.getAttribute(name));
    }
  }

  function datePicker(input) {
    if (input._flatpickr || typeof window.flatpickr !== "function") {
      return;
    }
    var lang = language();
    var withTime = input.type === "datetime-local";
    var id = input.id;
    var picker = window.flatpickr(input, {
      locale: (LOCALES[lang] && window.flatpickr.l10ns[LOCALES[lang]]) || "default",
      altInput: true,
      altFormat: DATE_FORMATS[lang] + (withTime ? " H:i" : ""),
      dateFormat: withTime ? "Y-m-d\\TH:i" : "Y-m-d",
      enableTime: withTime,
      time_24hr: true,
      allowInput: true,
      disableMobile: true,
      minDate: input.min || null,
      maxDate: input.max || null,
    });
    var visible = picker.altInput;
    if (!visible) {
      return;
    }
    ["aria-describedby", "aria-invalid", "aria-required", "aria-label", "required", "autocomplete"].forEach(
      function (name) {
        copyAttribute(input, visible, name);
      }
    );
    visible.setAttribute("inputmode", "numeric");
    var hint =
      input.getAttribute("placeholder") ||
      (withTime ? document.body.dataset.datetimeHint : document.body.dataset.dateHint);
    if (hint) {
      visible.setAttribute("placeholder", hint);
    }
    visible.dataset.dateFor = input.name;
    if (id) {
      input.id = id + "-value";
      visible.id = id;
    }
  }

  function fileStatus(input, status, text) {
    var names = Array.prototype.map.call(input.files || [], function (file) {
      return file.name;
    });
    if (!names.length) {
      status.textContent = text.fileNone;
    } else if (names.length === 1) {
      status.textContent = names[0];
    } else {
      status.textContent = text.filesChosen.replace("{count}", String(names.length)) + " · " + names.join(", ");
    }
    status.title = status.textContent;
  }

  function filePicker(input, index) {
    if (input.dataset.filePicker) {
      return;
    }
    var text = document.body.dataset;
    if (!text.fileChoose) {
      return;
    }
    input.dataset.filePicker = "true";
    if (!input.id) {
      input.id = "file-input-" + index;
    }
    var group = document.createElement("div");
    group.className = "file-picker input-group";
    var button = document.createElement("label");
    button.className = "btn btn-outline-secondary file-picker-button";
    button.htmlFor = input.id;
    button.setAttribute("aria-hidden", "true");
    button.textContent = input.multiple ? text.fileChooseMany : text.fileChoose;
    var status = document.createElement("span");
    status.className = "form-control file-picker-status text-truncate";
    status.id = input.id + "-chosen";
    input.parentNode.insertBefore(group, input);
    group.appendChild(input);
    group.appendChild(button);
    group.appendChild(status);
    input.classList.remove("form-control", "form-control-sm", "flex-grow-1", "w-auto");
    input.classList.add("file-picker-input");
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + status.id);
    if (input.classList.contains("is-invalid")) {
      group.classList.add("has-validation", "is-invalid"); // keeps the error text below shown
      status.classList.add("is-invalid");
    }
    fileStatus(input, status, text);
    input.addEventListener("change", function () {
      fileStatus(input, status, text);
    });
  }

  function start() {
    document.querySelectorAll("input[type=date], input[type=datetime-local]").forEach(datePicker);
    document.querySelectorAll("input[type=file]").forEach(filePicker);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
