// Admin: alert routing and report schedules as forms (validated in the browser, then by
// the server, which also previews them), sources and their health. textContent only.
"use strict";
(function () {
  const A = window.ADMIN;
  const F = window.FORMS;
  const $ = function (id) { return document.getElementById(id); };
  let channels = ["inapp", "email", "webhook"];

  async function preview(path, value, onOk, ul) {
    try {
      const p = await SH.api(A.base + path, { method: "POST", body: { value: value } });
      if (p.problems.length) { F.lines(ul, p.problems, true); return false; }
      onOk(p);
      return true;
    } catch (err) { F.lines(ul, [err.message], true); return false; }
  }

  // -- alert routing ---------------------------------------------------------------
  function routeRow(r) {
    const fs = SH.el("fieldset", "route");
    fs.appendChild(SH.el("legend", "", "Route"));
    const ch = F.checks("Channels", channels.map(function (c) { return [c, c]; }), r.channels || []);
    const sev = F.input("number", r.min_severity || 1, { min: 1, max: 10, required: "" });
    const det = F.input("text", (r.detectors || []).join(", "), { placeholder: "all detectors" });
    fs.appendChild(ch);
    fs.appendChild(F.field("From severity", sev));
    fs.appendChild(F.field("Only these detectors (comma-separated)", det));
    fs.appendChild(F.button("Remove this route", function () { fs.remove(); alertsChanged(); }));
    fs.read = function () {
      const out = { channels: ch.values(), min_severity: Number(sev.value) };
      const d = F.list(det.value);
      if (d.length) out.detectors = d;
      return out;
    };
    return fs;
  }

  function alertsValue() {
    return {
      min_severity: Number($("alerts-min").value),
      routes: Array.from($("routes").children).map(function (fs) { return fs.read(); }),
    };
  }

  let alertTimer = null;
  function alertsChanged() {
    clearTimeout(alertTimer);
    alertTimer = setTimeout(function () {
      preview("/settings/alerts/preview", alertsValue(), function (p) {
        F.lines($("alerts-preview"), p.lines);
      }, $("alerts-preview"));
    }, 250);
  }

  async function loadAlerts() {
    const data = await SH.api(A.base + "/settings/alerts");
    document.body.dataset.alertsLoads = String(Number(document.body.dataset.alertsLoads || 0) + 1);
    channels = data.channels || channels;
    const v = data.value || { min_severity: 1, routes: [] };
    $("alerts-min").value = v.min_severity || 1;
    SH.clear($("routes"));
    (v.routes || []).forEach(function (r) { $("routes").appendChild(routeRow(r)); });
    F.lines($("alerts-preview"), data.value ? [] : ["No routing: alerts are recorded and shown in the app only."]);
    if (data.value) alertsChanged();
    const tb = $("tuning");
    SH.clear(tb);
    if (!data.tuning.length) { const tr = SH.el("tr", ""); A.cells(tr, ["no feedback yet", "", "", ""]); tb.appendChild(tr); }
    data.tuning.forEach(function (t) {
      const tr = SH.el("tr", "");
      A.cells(tr, [t.rule, t.detector, t.multiplier.toFixed(2), t.true_alarms + " / " + t.false_alarms]);
      tb.appendChild(tr);
    });
  }

  $("alerts-form").addEventListener("input", alertsChanged);
  $("route-add").addEventListener("click", function () {
    $("routes").appendChild(routeRow({ channels: ["inapp"], min_severity: 5 }));
    alertsChanged();
  });
  $("alerts-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    if (!$("alerts-form").reportValidity()) return;
    try {
      await SH.api(A.base + "/settings/alerts", { method: "PUT", body: { value: alertsValue() } });
      A.say("alerts-msg", "Saved.");
      loadAlerts();
    } catch (err) { A.say("alerts-msg", err.message, true); }
  });
  $("alerts-clear").addEventListener("click", async function () {
    await SH.api(A.base + "/settings/alerts", { method: "PUT", body: { value: null } });
    A.say("alerts-msg", "Routing removed.");
    loadAlerts();
  });

  // -- report schedules ------------------------------------------------------------
  const DAYS = [["0", "Mon"], ["1", "Tue"], ["2", "Wed"], ["3", "Thu"], ["4", "Fri"], ["5", "Sat"], ["6", "Sun"]];

  function scheduleRow(s) {
    const fs = SH.el("fieldset", "schedule");
    fs.appendChild(SH.el("legend", "", "Schedule"));
    const name = F.input("text", s.name || "", { required: "", maxlength: 100 });
    const kind = F.select([["digest", "press digest"], ["competitors", "competitor report"]], s.kind || "digest");
    const times = F.input("text", (s.times || ["08:00"]).join(", "), {
      required: "", pattern: "^\\s*([01]\\d|2[0-3]):[0-5]\\d(\\s*,\\s*([01]\\d|2[0-3]):[0-5]\\d)*\\s*$",
      title: "times as HH:MM, comma-separated" });
    const days = F.checks("Days (none: every day)", DAYS, (s.weekdays || []).map(String));
    const to = F.input("text", (s.recipients || []).join(", "), { placeholder: "archive only" });
    const pdf = F.input("checkbox", s.pdf !== false);
    const on = F.input("checkbox", s.enabled !== false);
    fs.appendChild(F.field("Name", name));
    fs.appendChild(F.field("Report", kind));
    fs.appendChild(F.field("Times (HH:MM)", times));
    fs.appendChild(days);
    fs.appendChild(F.field("Recipients (emails, comma-separated)", to));
    fs.appendChild(F.field("PDF attached", pdf));
    fs.appendChild(F.field("Enabled", on));
    fs.appendChild(F.button("Remove this schedule", function () { fs.remove(); reportsChanged(); }));
    fs.read = function () {
      return { name: name.value.trim(), kind: kind.value, times: F.list(times.value),
        weekdays: days.values().map(Number), recipients: F.list(to.value), pdf: pdf.checked,
        enabled: on.checked };
    };
    return fs;
  }

  function reportsValue() {
    return Array.from($("schedules").children).map(function (fs) { return fs.read(); });
  }

  let reportTimer = null;
  function reportsChanged() {
    clearTimeout(reportTimer);
    reportTimer = setTimeout(function () {
      preview("/settings/reports/preview", reportsValue(), function (p) {
        F.lines($("reports-preview"), Object.keys(p.next_runs).map(function (k) {
          const runs = p.next_runs[k];
          return k + ": " + (runs.length ? runs.map(function (t) { return t.slice(0, 16).replace("T", " "); }).join(", ") : "disabled");
        }));
      }, $("reports-preview"));
    }, 250);
  }

  async function loadReports() {
    const data = await SH.api(A.base + "/settings/reports");
    $("reports-default").textContent = data.default ? "No schedule set: the default below applies until you save." : "";
    SH.clear($("schedules"));
    data.effective.forEach(function (s) { $("schedules").appendChild(scheduleRow(s)); });
    reportsChanged();
    const ul = $("reports-recent");
    SH.clear(ul);
    if (!data.recent.length) ul.appendChild(SH.el("li", "meta", "No report built yet."));
    data.recent.forEach(function (r) {
      ul.appendChild(SH.el("li", "", r.title + " · " + r.kind + " · " + r.status + " · " + SH.when(r.period_end)));
    });
  }

  $("reports-form").addEventListener("input", reportsChanged);
  $("schedule-add").addEventListener("click", function () {
    $("schedules").appendChild(scheduleRow({ name: "", times: ["08:00"] }));
    reportsChanged();
  });
  $("reports-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    if (!$("reports-form").reportValidity()) return;
    try {
      await SH.api(A.base + "/settings/reports", { method: "PUT", body: { value: reportsValue() } });
      A.say("reports-msg", "Saved.");
      loadReports();
    } catch (err) { A.say("reports-msg", err.message, true); }
  });
  $("reports-default-use").addEventListener("click", async function () {
    await SH.api(A.base + "/settings/reports", { method: "PUT", body: { value: null } });
    A.say("reports-msg", "The default schedule applies.");
    loadReports();
  });

  // -- sources ---------------------------------------------------------------------
  function sources() {
    return SH.api(A.base + "/sources").then(function (data) {
      const tb = $("sources");
      SH.clear(tb);
      data.items.forEach(function (s) {
        const h = s.summary;
        const tr = SH.el("tr", "health-" + h.level);
        A.cells(tr, [s.name, s.kind, s.origin]);
        const st = SH.el("td", "");
        st.appendChild(SH.el("span", "status status-" + h.level, h.status));
        if (h.last_error) st.appendChild(SH.el("div", "meta", h.last_error));
        tr.appendChild(st);
        A.cells(tr, [h.last_item_at ? SH.when(h.last_item_at) : "–", h.last_success ? SH.when(h.last_success) : "–",
          String(h.errors), h.items_per_hour === null || h.items_per_hour === undefined ? "–" : String(h.items_per_hour)]);
        tb.appendChild(tr);
      });
      if (!data.items.length) $("sources-note").textContent = "No source configured for this hub or workspace.";
    });
  }

  Promise.all([loadAlerts(), loadReports(), sources()]).then(function () {
    document.body.dataset.settings = "yes";
  });
})();
