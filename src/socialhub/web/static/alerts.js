// The alerts page: filters (state, severity, detector, query, period), the list ranked by
// importance (issue 14), each alert saying why it fired and why it matters. textContent only.
"use strict";
(function () {
  const body = document.body;
  const slug = body.dataset.slug;
  const base = "/api/workspaces/" + encodeURIComponent(slug);
  const canTriage = body.dataset.canTriage === "yes";
  const $ = function (id) { return document.getElementById(id); };
  let queries = {};
  const _ = SH._;

  function why(a) {
    const parts = [a.detector];
    if (a.baseline) parts.push(_("%(observed)s against %(baseline)s usually (threshold %(threshold)s)",
      { observed: SH.num(a.observed), baseline: SH.num(a.baseline), threshold: SH.num(a.threshold) }));
    else if (a.observed) parts.push(_("observed %(n)s", { n: SH.num(a.observed) }));
    if (a.query_id && queries[a.query_id]) parts.push(_("query %(name)s", { name: queries[a.query_id] }));
    return parts.join(" · ");
  }

  // the importance score and its components, heaviest first (issue 14)
  function importance(a) {
    const parts = (a.display_explanation || (a.extra && a.extra.explanation) || []).slice()
      .sort(function (x, y) { return y.points - x.points; }).filter(function (p) { return p.points > 0; });
    const box = SH.el("div", "meta importance", _("importance %(n)s", { n: Math.round(a.importance || 0) }) +
      (parts.length ? " : " : ""));
    box.title = parts.map(function (p) { return p.component + " +" + p.points + " (" + p.why + ")"; }).join("\n");
    box.appendChild(document.createTextNode(parts.slice(0, 3).map(function (p) { return p.why; }).join(" · ")));
    return box;
  }

  async function act(id, action) {
    try { await SH.api(base + "/alerts/" + id + "/" + action, { method: "POST", body: {} }); }
    catch (err) { $("alerts-count").textContent = err.message; }
    load();
  }

  function item(a) {
    const li = SH.el("li", "alert-item sev-" + (a.severity >= 8 ? "high" : a.severity >= 5 ? "mid" : "low"));
    li.dataset.id = a.id;
    li.appendChild(SH.el("span", "sev", a.severity));
    li.appendChild(SH.el("b", "", a.display_title || a.title));
    li.appendChild(SH.el("div", "meta", why(a)));
    li.appendChild(importance(a));
    li.appendChild(SH.el("div", "meta", _(a.state) + " · " + _("first %(at)s", { at: SH.when(a.first_t) }) +
      " · " + _("last %(at)s", { at: SH.when(a.last_t) }) +
      (a.acknowledged_by ? " · " + _("acknowledged by %(who)s", { who: a.acknowledged_by }) : "")));
    if (canTriage && a.state !== "resolved") {
      const row = SH.el("div", "row");
      if (a.state === "open") {
        const ack = SH.el("button", "ack", _("Acknowledge"));
        ack.type = "button";
        ack.addEventListener("click", function () { act(a.id, "ack"); });
        row.appendChild(ack);
      }
      const res = SH.el("button", "resolve", _("Resolve"));
      res.type = "button";
      res.addEventListener("click", function () { act(a.id, "resolve"); });
      row.appendChild(res);
      li.appendChild(row);
    }
    return li;
  }

  function params() {
    const p = new URLSearchParams({ order: "importance", limit: "200", state: $("f-state").value,
      min_severity: $("f-severity").value || "1" });
    if ($("f-detector").value) p.set("detector", $("f-detector").value);
    if ($("f-query").value) p.set("query_id", $("f-query").value);
    if ($("f-from").value) p.set("since", new Date($("f-from").value + "T00:00:00").toISOString());
    if ($("f-to").value) p.set("until", new Date(new Date($("f-to").value + "T00:00:00").getTime() + 864e5).toISOString());
    return p;
  }

  async function load() {
    const data = await SH.api(base + "/alerts?" + params().toString());
    const det = $("f-detector");
    const chosen = det.value;
    data.detectors.forEach(function (d) {
      if (!Array.from(det.options).some(function (o) { return o.value === d; })) {
        const o = SH.el("option", "", d); o.value = d; det.appendChild(o);
      }
    });
    det.value = chosen;
    const list = $("alert-list");
    SH.clear(list);
    data.items.forEach(function (a) { list.appendChild(item(a)); });
    $("alerts-count").textContent = data.total ? SH.n_("%(n)s alert", "%(n)s alerts", data.total) +
      (data.total > data.items.length ? " " + _("(the %(n)s most important shown)", { n: SH.num(data.items.length) }) : "") :
      _("No alert matches these filters.");
    body.dataset.loaded = "yes";
  }

  $("alert-filters").addEventListener("submit", function (ev) { ev.preventDefault(); load(); });
  SH.api(base).then(function (ws) {
    (ws.queries || []).forEach(function (q) {
      queries[q.id] = q.name;
      const o = SH.el("option", "", q.name); o.value = q.id; $("f-query").appendChild(o);
    });
    return load();
  }).catch(function (err) { $("alerts-count").textContent = err.message; });
})();
