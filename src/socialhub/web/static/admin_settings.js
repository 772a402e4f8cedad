// Admin: alert routing and report schedules (workspace settings, JSON validated by the
// server), sources and their health. textContent only.
"use strict";
(function () {
  const A = window.ADMIN;
  const $ = function (id) { return document.getElementById(id); };

  function editor(path, area, msg, saveButton, after) {
    async function load() {
      const data = await SH.api(A.base + path);
      $(area).value = data.value === null ? "" : JSON.stringify(data.value, null, 2);
      if (after) after(data);
    }
    $(saveButton).addEventListener("click", async function () {
      const text = $(area).value.trim();
      let value = null;
      if (text) {
        try { value = JSON.parse(text); } catch (err) { A.say(msg, "Not valid JSON: " + err.message, true); return; }
      }
      try { await SH.api(A.base + path, { method: "PUT", body: { value: value } }); A.say(msg, "Saved."); load(); }
      catch (err) { A.say(msg, err.message, true); }
    });
    return load();
  }

  editor("/settings/alerts", "alerts-setting", "alerts-msg", "alerts-save", function (data) {
    if (data.value === null) $("alerts-setting").placeholder = '{"min_severity": 3, "routes": [{"channels": ["email"], "min_severity": 7}]}';
    const tb = $("tuning");
    SH.clear(tb);
    if (!data.tuning.length) { const tr = SH.el("tr", ""); A.cells(tr, ["no feedback yet", "", "", ""]); tb.appendChild(tr); }
    data.tuning.forEach(function (t) {
      const tr = SH.el("tr", "");
      A.cells(tr, [t.rule, t.detector, t.multiplier.toFixed(2), t.true_alarms + " / " + t.false_alarms]);
      tb.appendChild(tr);
    });
  });

  editor("/settings/reports", "reports-setting", "reports-msg", "reports-save", function (data) {
    $("reports-default").textContent = data.default
      ? "No schedule set: the default applies (" + JSON.stringify(data.effective) + ")." : "";
    const ul = $("reports-recent");
    SH.clear(ul);
    if (!data.recent.length) ul.appendChild(SH.el("li", "meta", "No report built yet."));
    data.recent.forEach(function (r) {
      ul.appendChild(SH.el("li", "", r.title + " · " + r.kind + " · " + r.status + " · " + SH.when(r.period_end)));
    });
  });

  function healthText(h) {
    if (!h) return "no health yet";
    return Object.keys(h).map(function (k) {
      const v = h[k];
      return k + ": " + (v !== null && typeof v === "object" ? JSON.stringify(v) : String(v));
    }).join(" · ");
  }

  SH.api(A.base + "/sources").then(function (data) {
    const tb = $("sources");
    SH.clear(tb);
    data.items.forEach(function (s) {
      const tr = SH.el("tr", "");
      A.cells(tr, [s.kind, s.name, s.origin, healthText(s.health)]);
      tb.appendChild(tr);
    });
    if (!data.items.length) $("sources-note").textContent = "No source configured for this hub or workspace.";
  });
})();
