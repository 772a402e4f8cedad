// A workspace's dashboard: charts (ECharts), top authors, open alerts, live stream.
// Every number comes from the REST API; text is set with textContent only, and the
// tooltips (HTML in ECharts) are built from escaped strings.
"use strict";
(function () {
  const body = document.body;
  const slug = body.dataset.slug;
  const canTriage = body.dataset.canTriage === "yes";
  const base = "/api/workspaces/" + encodeURIComponent(slug);
  const range = document.getElementById("range");
  const charts = {};
  SH.charts = charts;
  const SENTIMENT_COLORS = { positive: "#2e9d55", neutral: "#9aa3b5", negative: "#d2453b",
    mixed: "#e0a030", none: "#d9dce3" };

  // The period shown: "auto" opens where the data is (an imported archive may be a year
  // old), the others count back from now, "custom" reads the two dates.
  let period = { since: null, until: null };
  let extent = null;
  const HOUR = 3600e3;
  const _ = SH._;

  async function choosePeriod() {
    const v = range.value;
    document.getElementById("custom-range").hidden = v !== "custom";
    extent = await SH.api(base + "/extent");
    const now = Date.now();
    if (v === "custom") {
      const from = document.getElementById("from").value;
      const to = document.getElementById("to").value;
      if (from && to && to >= from) {
        period = { since: new Date(from + "T00:00:00"), until: new Date(new Date(to + "T00:00:00").getTime() + 24 * HOUR) };
        return;
      }
    }
    if (v === "auto" || v === "custom") {
      if (!extent.last) { period = { since: new Date(now - 24 * HOUR), until: new Date(now) }; return; }
      const first = new Date(extent.first).getTime();
      const last = new Date(extent.last).getTime();
      // up to now when the data is live, else to the hour after the last mention
      const until = now - last < HOUR ? now : Math.ceil((last + 1) / HOUR) * HOUR;
      const since = Math.max(Math.floor(first / HOUR) * HOUR, until - 30 * 24 * HOUR);
      period = { since: new Date(since), until: new Date(until) };
      return;
    }
    period = { since: new Date(now - Number(v) * HOUR), until: new Date(now) };
  }

  SH.period = function () { return period; };

  function window_() {
    return "since=" + encodeURIComponent(period.since.toISOString()) +
      "&until=" + encodeURIComponent(period.until.toISOString());
  }

  // When the period holds nothing: say where the data is, with a way to go there.
  function whereHint(empty) {
    const p = document.getElementById("where");
    SH.clear(p);
    p.hidden = !empty;
    if (!empty) return;
    if (!extent || !extent.last) {
      p.textContent = _("This workspace has no mention yet: import a file (socialhub import) or start a source.");
      return;
    }
    p.appendChild(document.createTextNode(_("No mention in this period. This workspace's mentions run from %(first)s to %(last)s.",
      { first: SH.when(extent.first), last: SH.when(extent.last) }) + " "));
    const go = SH.el("button", "", _("Show where the data is"));
    go.type = "button";
    go.id = "go-data";
    go.addEventListener("click", function () { range.value = "auto"; refresh(); });
    p.appendChild(go);
  }

  function label(iso, interval) {
    // buckets arrive in the workspace's zone (ISO with offset): show its wall time,
    // day before month in French (05/12 23:00), as ISO in English (12-05 23:00)
    if (SH.lang === "fr") {
      const day = iso.slice(8, 10) + "/" + iso.slice(5, 7);
      return interval === "day" ? day + "/" + iso.slice(0, 4) : day + " " + iso.slice(11, 16);
    }
    return interval === "day" ? iso.slice(0, 10) : iso.slice(5, 16).replace("T", " ");
  }

  function chart(id) {
    if (!window.echarts) return null;
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id));
    return charts[id];
  }

  function axisTooltip(params) {
    const rows = params.map(function (p) {
      return p.marker + SH.esc(p.seriesName) + " : ".slice(SH.lang === "fr" ? 0 : 1) + SH.esc(SH.num(p.value));
    });
    return SH.esc(params.length ? params[0].axisValueLabel : "") + "<br>" + rows.join("<br>");
  }

  async function volume() {
    const data = await SH.api(base + "/volume?" + window_());
    const total = data.series.reduce(function (t, s) {
      return t + s.counts.reduce(function (a, b) { return a + b; }, 0);
    }, 0);
    whereHint(total === 0);
    document.getElementById("period-label").textContent = SH.when(period.since.toISOString()) +
      " – " + SH.when(period.until.toISOString()) + " · " + _("per %(interval)s", { interval: _(data.interval) });
    const c = chart("chart-volume");
    if (!c) return;
    c.setOption({
      tooltip: { trigger: "axis", formatter: axisTooltip },
      // the legend sits under the plot, never on it
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 40, right: 10, top: 10, bottom: 60 },
      xAxis: { type: "category", data: data.buckets.map(function (b) { return label(b, data.interval); }) },
      yAxis: { type: "value", minInterval: 1 },
      // counts as they are: no smoothing between buckets
      series: data.series.map(function (s) {
        return { name: s.name, type: "line", smooth: false, step: false, symbolSize: 4,
          showSymbol: data.buckets.length <= 72, data: s.counts };
      }),
    }, true);
  }

  async function sentiment() {
    const data = await SH.api(base + "/sentiment?" + window_());
    const c = chart("chart-sentiment");
    if (!c) return;
    c.setOption({
      tooltip: { trigger: "axis", formatter: axisTooltip },
      legend: { top: 0 },
      grid: { left: 40, right: 10, top: 30, bottom: 30 },
      xAxis: { type: "category", data: data.buckets.map(function (b) { return label(b, data.interval); }) },
      yAxis: { type: "value", minInterval: 1 },
      series: data.series.map(function (s) {
        return { name: _(s.label), type: "bar", stack: "all", data: s.counts,
          itemStyle: { color: SENTIMENT_COLORS[s.label] || "#888" } };
      }),
    }, true);
  }

  async function shareOfVoice() {
    const data = await SH.api(base + "/share-of-voice?" + window_());
    const note = document.getElementById("sov-note");
    const box = document.getElementById("chart-sov");
    let why = "";
    if (!data.configured) {
      why = _("No brand and competitor queries are declared for this workspace " +
        "(setting share_of_voice, see docs/web.md).");
    } else if (!data.total) {
      why = _("No mention of the compared queries in this period.");
    }
    note.textContent = why;
    note.hidden = !why;
    box.hidden = !!why;  // never a chart of fake slices
    body.dataset.sov = why ? "empty" : "drawn";
    if (why) { if (charts["chart-sov"]) charts["chart-sov"].clear(); return; }
    const c = chart("chart-sov");
    if (!c) return;
    c.resize();
    c.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return p.marker + SH.esc(p.name) + " : ".slice(SH.lang === "fr" ? 0 : 1) + SH.esc(SH.num(p.value)) + " (" + SH.esc(SH.num(p.percent)) + (SH.lang === "fr" ? "\u00a0%)" : "%)");
      } },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "62%"], center: ["50%", "44%"],
        avoidLabelOverlap: true, labelLayout: { hideOverlap: true },
        label: { formatter: function (p) {
          return SH.num(p.percent) + (SH.lang === "fr" ? "\u00a0%" : "%");
        } },
        data: data.items.map(function (i) {
          return { name: i.name + (i.role === "brand" ? " (" + _("brand") + ")" : ""), value: i.count };
        }) }],
    }, true);
  }

  async function authors() {
    const data = await SH.api(base + "/authors?limit=10&" + window_());
    const tbody = document.getElementById("authors");
    SH.clear(tbody);
    data.items.forEach(function (a) {
      const tr = SH.el("tr");
      const who = SH.el("td");
      // the author's mentions in Explore (the query language's author: field)
      const link = SH.el("a", "", a.name || a.handle);
      link.href = "/w/" + encodeURIComponent(slug) + "/explore?q=" +
        encodeURIComponent('author:"' + String(a.handle).replace(/"/g, "") + '"');
      who.appendChild(SH.el("b")).appendChild(link);
      who.appendChild(SH.el("div", "meta", "@" + a.handle + " · " + a.platform +
        " · " + SH.n_("%(n)s follower", "%(n)s followers", a.followers) + (a.verified ? " · " + _("verified") : "")));
      tr.appendChild(who);
      tr.appendChild(SH.el("td", "", SH.num(a.mentions)));
      tr.appendChild(SH.el("td", "", SH.num(a.engagement)));
      tbody.appendChild(tr);
    });
    if (!data.items.length) tbody.appendChild(SH.el("tr")).appendChild(SH.el("td", "", _("No author in this period.")));
  }

  async function act(alertId, action) {
    try {
      await SH.api(base + "/alerts/" + alertId + "/" + action, { method: "POST", body: {} });
    } catch (err) {
      window.alert(err.message);
    }
    await alerts();
  }

  async function alerts() {
    const data = await SH.api(base + "/alerts?state=active&order=severity");
    const list = document.getElementById("alerts");
    SH.clear(list);
    data.items.forEach(function (a) {
      const li = SH.el("li");
      li.dataset.id = a.id;
      li.appendChild(SH.el("span", "sev", a.severity));
      li.appendChild(SH.el("b", "", a.display_title || a.title));
      li.appendChild(SH.el("div", "meta", _(a.state) + " · " + SH.when(a.last_t) +
        (a.acknowledged_by ? " · " + _("acknowledged by %(who)s", { who: a.acknowledged_by }) : "")));
      if (canTriage) {
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
        // Analysts and admins may send an alert (its evidence) to the legal desk.
        const legal = SH.el("button", "send-legal", _("Send to legal"));
        legal.type = "button";
        legal.addEventListener("click", async function () {
          try {
            const sent = await SH.api(base + "/legal/send", {
              method: "POST", body: { kind: "alert", item_id: String(a.id), reason: "other" },
            });
            legal.replaceWith(SH.el("span", "meta", _("sent to legal: case %(id)s", { id: sent.case })));
          } catch (err) {
            window.alert(err.message);
          }
        });
        row.appendChild(legal);
        li.appendChild(row);
      }
      list.appendChild(li);
    });
    if (!data.items.length) list.appendChild(SH.el("li", "meta", _("No open alert.")));
  }

  // The live stream; ``filter`` (query string: q, platform, lang, sentiment) narrows it.
  // Called again with a new filter, it replaces the stream.
  let source = null;
  let n = 0;
  function live(filter) {
    const list = document.getElementById("live");
    const state = document.getElementById("live-state");
    const count = document.getElementById("live-count");
    if (source) source.close();
    state.textContent = _("connecting…");
    const es = new EventSource(base + "/live" + (filter ? "?" + filter : ""));
    source = es;
    es.addEventListener("open", function () { state.textContent = filter ? _("live (filtered)") : _("live"); });
    es.addEventListener("error", function () {
      // a closed source (e.g. 401 after logout) never retries by itself
      state.textContent = es.readyState === EventSource.CLOSED
        ? _("disconnected: reload the page") : _("reconnecting…");
    });
    es.addEventListener("end", function () {
      es.close();  // access ended (logged out, deactivated, role removed)
      state.textContent = _("ended: log in again");
    });
    es.addEventListener("mention", function (ev) {
      list.insertBefore(SH.linkedItem(slug, JSON.parse(ev.data)), list.firstChild);
      while (list.children.length > 100) list.removeChild(list.lastChild);
      n += 1;
      count.textContent = String(n);
    });
  }
  SH.live = live;

  function refresh() {
    const before = period.since && period.since.getTime() + "/" + period.until.getTime();
    return choosePeriod().then(function () {
      const now = period.since.getTime() + "/" + period.until.getTime();
      if (now !== before) document.dispatchEvent(new CustomEvent("sh:period"));
      return Promise.all([volume(), sentiment(), shareOfVoice(), authors(), alerts()]);
    }).then(
      function () { body.dataset.loaded = "yes"; },
      function (err) { body.dataset.loaded = "error"; console.warn(err.message); });
  }

  range.addEventListener("change", function () {
    document.getElementById("custom-range").hidden = range.value !== "custom";
    if (range.value !== "custom") refresh();
  });
  document.getElementById("period").addEventListener("submit", function (ev) {
    ev.preventDefault();
    refresh();
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  refresh();
  setInterval(refresh, 60000);
  live("");
})();
