// Register page: add/remove co-applicant rows and show dependent fields (the form works without it).
(function () {
  "use strict";
  var list = document.getElementById("co-applicants");
  var template = document.getElementById("co-applicant-template");
  var add = document.getElementById("co-add");
  if (list && template && add) {
    var max = parseInt(list.dataset.max || "50", 10);
    var renumber = function () {
      list.querySelectorAll(".co-applicant").forEach(function (row, index) {
        row.querySelectorAll("input").forEach(function (input) {
          input.name = input.name.replace(/^co_applicants-(\d+|__i__)-/, "co_applicants-" + index + "-");
          input.id = input.name;
        });
      });
      add.disabled = list.querySelectorAll(".co-applicant").length >= max;
    };
    add.classList.remove("d-none");
    add.addEventListener("click", function () {
      list.appendChild(template.content.cloneNode(true));
      renumber();
      var rows = list.querySelectorAll(".co-applicant");
      rows[rows.length - 1].querySelector("input").focus();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest(".co-remove");
      if (button) {
        button.closest(".co-applicant").remove();
        renumber();
      }
    });
    renumber();
  }
  document.querySelectorAll("[data-show-if]").forEach(function (block) {
    var box = document.getElementById(block.dataset.showIf);
    if (!box) return;
    var sync = function () { block.hidden = !box.checked; };
    box.addEventListener("change", sync);
    sync();
  });
})();
