// Admin: alert routing and report schedules as forms (validated in the browser, then by
// the server, which also previews them), sources and their health. textContent only.
"use strict";
(function () {
  const A = window.ADMIN;
  const F = window.FORMS;
  const $ = function (id) { return document.getElementById(id); };
  let channels = ["inapp", "email", "webhook"];
  const _ = SH._;
  const CHANNEL_NAMES = { inapp: _("inapp"), email: _("email"), webhook: _("webhook") };

  async function preview(path, value, onOk, ul) {
    try {
      const p = await SH.api(A.base + path, { method: "POST", body: { value: value } });
      if (p.problems.length) { F.lines(ul, p.display_problems || p.problems, true); return false; }
      onOk(p);
      return true;
    } catch (err) { F.lines(ul, [err.message], true); return false; }
  }

  // -- alert routing ---------------------------------------------------------------
  function routeRow(r) {
    const fs = SH.el("fieldset", "route");
    fs.appendChild(SH.el("legend", "", _("Route")));
    const ch = F.checks(_("Channels"), channels.map(function (c) { return [c, CHANNEL_NAMES[c] || c]; }), r.channels || []);
    const sev = F.input("number", r.min_severity || 1, { min: 1, max: 10, required: "" });
    const det = F.input("text", (r.detectors || []).join(", "), { placeholder: _("all detectors") });
    fs.appendChild(ch);
    fs.appendChild(F.field(_("From severity"), sev));
    fs.appendChild(F.field(_("Only these detectors (comma-separated)"), det));
    fs.appendChild(F.button(_("Remove this route"), function () { fs.remove(); alertsChanged(); }));
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
    F.lines($("alerts-preview"), data.value ? [] : [_("No routing: alerts are recorded and shown in the app only.")]);
    if (data.value) alertsChanged();
    const tb = $("tuning");
    SH.clear(tb);
    if (!data.tuning.length) { const tr = SH.el("tr", ""); A.cells(tr, [_("no feedback yet"), "", "", ""]); tb.appendChild(tr); }
    data.tuning.forEach(function (t) {
      const tr = SH.el("tr", "");
      A.cells(tr, [t.rule, t.detector, SH.num(t.multiplier, 2), t.true_alarms + " / " + t.false_alarms]);
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
      A.say("alerts-msg", _("Saved."));
      loadAlerts();
    } catch (err) { A.say("alerts-msg", err.message, true); }
  });
  $("alerts-clear").addEventListener("click", async function () {
    await SH.api(A.base + "/settings/alerts", { method: "PUT", body: { value: null } });
    A.say("alerts-msg", _("Routing removed."));
    loadAlerts();
  });

  // -- report schedules ------------------------------------------------------------
  const DAYS = [["0", _("Mon")], ["1", _("Tue")], ["2", _("Wed")], ["3", _("Thu")], ["4", _("Fri")], ["5", _("Sat")], ["6", _("Sun")]];

  function scheduleRow(s) {
    const fs = SH.el("fieldset", "schedule");
    fs.appendChild(SH.el("legend", "", _("Schedule")));
    const name = F.input("text", s.name || "", { required: "", maxlength: 100 });
    const kind = F.select([["digest", _("press digest")], ["competitors", _("competitor report")]], s.kind || "digest");
    const times = F.input("text", (s.times || ["08:00"]).join(", "), {
      required: "", pattern: "^\\s*([01]\\d|2[0-3]):[0-5]\\d(\\s*,\\s*([01]\\d|2[0-3]):[0-5]\\d)*\\s*$",
      title: _("times as HH:MM, comma-separated") });
    const days = F.checks(_("Days (none: every day)"), DAYS, (s.weekdays || []).map(String));
    const to = F.input("text", (s.recipients || []).join(", "), { placeholder: _("archive only") });
    const pdf = F.input("checkbox", s.pdf !== false);
    const on = F.input("checkbox", s.enabled !== false);
    fs.appendChild(F.field(_("Name"), name));
    fs.appendChild(F.field(_("Report"), kind));
    fs.appendChild(F.field(_("Times (HH:MM)"), times));
    fs.appendChild(days);
    fs.appendChild(F.field(_("Recipients (emails, comma-separated)"), to));
    fs.appendChild(F.field(_("PDF attached"), pdf));
    fs.appendChild(F.field(_("Enabled"), on));
    fs.appendChild(F.button(_("Remove this schedule"), function () { fs.remove(); reportsChanged(); }));
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
          return k + " : ".slice(SH.lang === "fr" ? 0 : 1) + (runs.length ? runs.map(function (t) { return t.slice(0, 16).replace("T", " "); }).join(", ") : _("disabled"));
        }));
      }, $("reports-preview"));
    }, 250);
  }

  async function loadReports() {
    const data = await SH.api(A.base + "/settings/reports");
    $("reports-default").textContent = data.default ? _("No schedule set: the default below applies until you save.") : "";
    SH.clear($("schedules"));
    data.effective.forEach(function (s) { $("schedules").appendChild(scheduleRow(s)); });
    reportsChanged();
    const ul = $("reports-recent");
    SH.clear(ul);
    if (!data.recent.length) ul.appendChild(SH.el("li", "meta", _("No report built yet.")));
    data.recent.forEach(function (r) {
      ul.appendChild(SH.el("li", "", r.title + " · " + _(r.kind) + " · " + _(r.status) + " · " + SH.when(r.period_end)));
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
      A.say("reports-msg", _("Saved."));
      loadReports();
    } catch (err) { A.say("reports-msg", err.message, true); }
  });
  $("reports-default-use").addEventListener("click", async function () {
    await SH.api(A.base + "/settings/reports", { method: "PUT", body: { value: null } });
    A.say("reports-msg", _("The default schedule applies."));
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
        st.appendChild(SH.el("span", "status status-" + h.level, _(h.status)));
        if (h.last_error) st.appendChild(SH.el("div", "meta", h.display_last_error || h.last_error));  // the reader's language
        tr.appendChild(st);
        A.cells(tr, [h.last_item_at ? SH.when(h.last_item_at) : "–", h.last_success ? SH.when(h.last_success) : "–",
          SH.num(h.errors), h.items_per_hour === null || h.items_per_hour === undefined ? "–" : SH.num(h.items_per_hour)]);
        tb.appendChild(tr);
      });
      if (!data.items.length) $("sources-note").textContent = _("No source configured for this hub or workspace.");
    });
  }

  Promise.all([loadAlerts(), loadReports(), sources()]).then(function () {
    document.body.dataset.settings = "yes";
  });
})();
