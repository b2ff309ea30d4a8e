// The console's bulk selection: count the selected cases and offer only the inspectors
// who serve the mahallas of all of them and would change something: an inspector who already
// holds every task of the selected cases is not offered (the server checks again).
(function () {
  document.querySelectorAll("form.bulk-reassign").forEach(function (form) {
    var boxes = Array.prototype.slice.call(form.querySelectorAll('input[name="case"]'));
    var all = form.querySelector("[data-select-all]");
    var select = form.querySelector("[data-inspectors]");
    var count = form.querySelector("[data-selected-count]");
    function update() {
      var chosen = boxes.filter(function (b) { return b.checked; });
      var needed = chosen.map(function (b) { return b.dataset.mahalla; });
      count.textContent = String(chosen.length);
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.dataset.mahallas) { return; }
        var served = option.dataset.mahallas.split(" ");
        var holdsAll = chosen.length > 0 && chosen.every(function (b) {
          var holders = (b.dataset.holders || "").split(" ");
          return holders.every(function (h) { return h === option.value; });
        });
        option.disabled = holdsAll || !needed.every(function (m) { return served.indexOf(m) !== -1; });
        if (option.disabled && option.selected) { select.value = "0"; }
      });
      if (all) { all.checked = chosen.length > 0 && chosen.length === boxes.length; }
    }
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    if (all) {
      all.addEventListener("change", function () {
        boxes.forEach(function (b) { b.checked = all.checked; });
        update();
      });
    }
    update();
  });
})();
