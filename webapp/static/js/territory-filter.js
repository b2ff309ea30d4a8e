// The territory filter bar: a chosen region narrows the districts, a chosen district the mahallas.
(function () {
  function narrow(parent, child, attribute) {
    if (!parent || !child) return;
    var apply = function () {
      var value = parent.value;
      Array.prototype.forEach.call(child.options, function (option) {
        var owner = option.getAttribute(attribute);
        var show = !value || !owner || owner === value;
        option.hidden = !show;
        if (!show && option.selected) child.value = "";
      });
    };
    parent.addEventListener("change", apply);
    apply();
  }
  document.querySelectorAll("[data-territory-filter]").forEach(function (form) {
    narrow(form.querySelector("[name=region]"), form.querySelector("[name=district]"), "data-region");
    narrow(form.querySelector("[name=district]"), form.querySelector("[name=mahalla]"), "data-district");
  });
})();
