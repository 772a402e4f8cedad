// Small builders for the settings forms (admin and walls): labelled inputs, checkbox
// groups, comma lists. Every label is a real <label> around its control (accessible
// names); values are read back with read(). textContent only.
"use strict";
window.FORMS = (function () {
  function field(labelText, input) {
    const label = SH.el("label", "field");
    label.appendChild(document.createTextNode(labelText + " "));
    label.appendChild(input);
    return label;
  }

  function input(type, value, attrs) {
    const i = document.createElement("input");
    i.type = type;
    if (type === "checkbox") i.checked = !!value; else i.value = value === undefined || value === null ? "" : String(value);
    Object.keys(attrs || {}).forEach(function (k) { i.setAttribute(k, attrs[k]); });
    return i;
  }

  function select(options, value) {
    const s = document.createElement("select");
    options.forEach(function (o) {
      const opt = SH.el("option", "", o[1]);
      opt.value = o[0];
      if (o[0] === value) opt.selected = true;
      s.appendChild(opt);
    });
    return s;
  }

  // A group of checkboxes; returns the fieldset, whose .values() lists the checked ones.
  function checks(legend, options, chosen) {
    const fs = SH.el("fieldset", "checks");
    fs.appendChild(SH.el("legend", "", legend));
    options.forEach(function (o) {
      const box = input("checkbox", chosen.indexOf(o[0]) >= 0);
      box.value = o[0];
      fs.appendChild(field(o[1], box));
    });
    fs.values = function () {
      return Array.from(fs.querySelectorAll("input:checked")).map(function (b) { return b.value; });
    };
    return fs;
  }

  function list(text) {
    return String(text).split(",").map(function (x) { return x.trim(); }).filter(Boolean);
  }

  function button(text, onclick, cls) {
    const b = SH.el("button", cls || "", text);
    b.type = "button";
    b.addEventListener("click", onclick);
    return b;
  }

  function lines(ul, items, bad) {
    SH.clear(ul);
    items.forEach(function (t) { ul.appendChild(SH.el("li", bad ? "error" : "", t)); });
  }

  return { field: field, input: input, select: select, checks: checks, list: list,
    button: button, lines: lines };
})();
