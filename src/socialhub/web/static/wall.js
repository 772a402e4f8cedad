// The wall of screens: rotating panels, live mentions over SSE, crisis mode.
// Opened by its kiosk key (?key=) or a member's session. Read-only: GET and SSE only.
// Charts are drawn on canvas (no tooltip HTML); all text goes through textContent.
"use strict";
(function () {
  const body = document.body;
  const key = new URLSearchParams(window.location.search).get("key");
  const base = "/api/kiosk/" + encodeURIComponent(body.dataset.slug) + "/" + encodeURIComponent(body.dataset.wall);
  const suffix = key ? "?key=" + encodeURIComponent(key) : "";
  const screenBox = document.getElementById("screen");
  const stateBox = document.getElementById("wall-state");
  const _ = SH._;
  const titles = { volume: _("Volume"), live: _("Live"), top_posts: _("Top posts"), alerts: _("Open alerts"),
    sentiment: _("Sentiment"), share_of_voice: _("Share of voice"), warroom: _("War room") };
  const charts = [];
  let state = null;
  let live = [];
  let screen = 0;
  let rotateTimer = null;
  let seen = 0;
  window.WALL = { get state() { return state; }, get received() { return seen; },
    show: function (i) { screen = i; render(); } };  // a given screen (tests, screenshots)

  async function fetchState() {
    const r = await fetch(base + suffix, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    const data = await r.json();
    // display_message: the error in the reader's language; message stays English (API clients)
    if (!r.ok) throw new Error(data.display_message || data.message || ("HTTP " + r.status));
    return data;
  }

  function panelsNow() {
    if (state.crisis) return state.layout.crisis_panels;
    const screens = state.layout.screens;
    return screens[screen % screens.length];
  }

  function chart(box, option) {
    if (!window.echarts) { box.appendChild(SH.el("p", "wall-error", _("charts unavailable"))); return; }
    const c = window.echarts.init(box, null, { renderer: "canvas" });
    const size = Math.round(14 * Number(state.layout.font_scale));
    option.textStyle = { fontSize: size, color: getComputedStyle(body).color };
    ["xAxis", "yAxis"].forEach(function (k) {  // axis labels readable from the room too
      if (option[k]) option[k].axisLabel = { fontSize: Math.round(size * 0.8) };
    });
    option.animation = false;
    c.setOption(option);
    charts.push(c);
  }

  function hoursOf(labels) { return labels.map(function (l) { return l.slice(11, 16); }); }

  function list(panel, items, render) {
    const ol = SH.el("ol", "wlist");
    if (!items.length) ol.appendChild(SH.el("li", "meta", _("nothing yet")));
    items.forEach(function (x) { ol.appendChild(render(x)); });
    panel.appendChild(ol);
    return ol;
  }

  // the two components that weigh most in an alert's importance (issue 14)
  function topWhy(a) {
    return (a.display_explanation || (a.extra && a.extra.explanation) || []).slice().sort(function (x, y) { return y.points - x.points; })
      .slice(0, 2).filter(function (p) { return p.points > 0; }).map(function (p) { return p.why; }).join("; ");
  }

  function alertItem(a) {
    const li = SH.el("li", "");
    li.appendChild(SH.el("span", "sev", a.severity));
    li.appendChild(document.createTextNode(a.display_title || a.title));
    li.appendChild(SH.el("div", "meta", _(a.state) + " · " + SH.when(a.last_t) +
      (a.importance ? " · " + _("importance %(n)s", { n: Math.round(a.importance) }) + " · " + topWhy(a) : "")));
    return li;
  }

  // legends sit under the plot (never on it); counts are drawn as they are (no smoothing)
  function legend() {
    const size = Math.round(12 * Number(state.layout.font_scale));
    return { type: "scroll", bottom: 0, textStyle: { color: "inherit", fontSize: size },
      pageTextStyle: { color: "inherit" } };
  }
  function grid() {
    const em = 14 * Number(state.layout.font_scale);
    return { left: 3.5 * em, right: em, top: em, bottom: 4 * em };
  }

  const draw = {
    volume: function (panel, d) {
      const box = SH.el("div", "wchart"); panel.appendChild(box);
      chart(box, { legend: legend(), grid: grid(),
        xAxis: { type: "category", data: hoursOf(d.buckets) }, yAxis: { type: "value", minInterval: 1 },
        series: d.series.map(function (s) { return { name: s.name, type: "line", smooth: false, showSymbol: false, data: s.counts }; }) });
    },
    sentiment: function (panel, d) {
      const box = SH.el("div", "wchart"); panel.appendChild(box);
      const colors = { positive: "#3cb371", negative: "#e5484d", neutral: "#9aa3c7", none: "#55597a" };
      chart(box, { legend: legend(), grid: grid(),
        xAxis: { type: "category", data: hoursOf(d.buckets) }, yAxis: { type: "value", minInterval: 1 },
        series: d.series.map(function (s) { return { name: _(s.label), type: "bar", stack: "s", data: s.counts, itemStyle: { color: colors[s.label] } }; }) });
    },
    share_of_voice: function (panel, d) {
      if (!d.configured || !d.total) {  // never a donut of fake slices
        panel.appendChild(SH.el("p", "meta", d.configured ? _("No mention of the compared queries yet.") :
          _("No brand and competitor queries declared.")));
        return;
      }
      const box = SH.el("div", "wchart"); panel.appendChild(box);
      const total = d.total;
      // percentages inside the big slices only, names in the legend: labels cannot collide
      chart(box, { legend: Object.assign(legend(), { formatter: function (name) {
          const it = d.items.find(function (i) { return i.name === name; });
          return name + "  " + Math.round(100 * (it ? it.count : 0) / total) + " %";
        } }),
        series: [{ type: "pie", radius: ["38%", "68%"], center: ["50%", "42%"],
          label: { position: "inside", formatter: function (p) { return p.percent >= 8 ? Math.round(p.percent) + " %" : ""; } },
          labelLine: { show: false },
          data: d.items.map(function (i) { return { name: i.name, value: i.count }; }) }] });
    },
    top_posts: function (panel, d) { list(panel, d.items, SH.mentionItem); },
    alerts: function (panel, d) { list(panel, d.items, alertItem); },
    live: function (panel) { list(panel, live, SH.mentionItem).id = "wall-live"; },
    warroom: function (panel, d) {  // the open incident's war-room, else the window's top story's
      if (!d) { panel.appendChild(SH.el("p", "meta", _("No story yet."))); return; }
      panel.appendChild(SH.el("p", "wr-head", d.headline));
      if (d.incident && d.incident.steps && d.incident.steps.length) {
        panel.appendChild(SH.el("p", "meta", _("Playbook: %(done)s of %(total)s steps done",
          { done: SH.num(d.incident.progress[0]), total: SH.num(d.incident.progress[1]) })));
      }
      const facts = [_("%(n)s posts", { n: SH.num(d.size) }), _("%(n)s authors", { n: SH.num(d.authors) })];
      if (d.network.first_poster) {
        facts.push(_("coordinated: %(n)s, first @%(who)s", { n: SH.num(d.network.nodes.length), who: d.network.first_poster }));
      }
      facts.push(d.answered ? _("answered") : _("not answered"));
      panel.appendChild(SH.el("p", "meta", facts.join(" · ")));
      const box = SH.el("div", "wchart"); panel.appendChild(box);
      chart(box, { grid: grid(), xAxis: { type: "category", data: hoursOf(d.timeline.t) },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ name: _("negative"), type: "bar", stack: "s", data: d.timeline.negative, itemStyle: { color: "#c0392b" } },
          { name: _("other"), type: "bar", stack: "s", itemStyle: { color: "#7f8c8d" },
            data: d.timeline.total.map(function (n, i) { return n - d.timeline.negative[i]; }) }] });
      if (d.patient_zero) {
        panel.appendChild(SH.el("p", "", _("Patient zero: @%(who)s — %(text)s", { who: d.patient_zero.author, text: d.patient_zero.text })));
      }
      list(panel, d.amplifiers.slice(0, 5), function (a) { return SH.el("li", "", a.account + " (" + SH.num(a.followers) + ")"); });
      list(panel, d.places.slice(0, 5), function (p) { return SH.el("li", "", p.name + (p.dep_name ? " (" + p.dep_name + ")" : "") + " — " + SH.num(p.count)); });
    },
  };

  function render() {
    charts.splice(0).forEach(function (c) { c.dispose(); });
    SH.clear(screenBox);
    body.classList.toggle("crisis", !!state.crisis);
    body.classList.toggle("showcase", state.layout.mode === "showcase");
    document.getElementById("crisis-banner").hidden = !state.crisis;
    document.documentElement.style.setProperty("--scale", String(state.layout.font_scale));
    const panels = panelsNow();
    screenBox.className = "screen n" + panels.length;
    panels.forEach(function (name) {
      const panel = SH.el("section", "wpanel");
      panel.dataset.panel = name;
      panel.appendChild(SH.el("h2", "", titles[name]));
      screenBox.appendChild(panel);
      draw[name](panel, state.panels[name]);
    });
    body.dataset.crisis = state.crisis ? "yes" : "no";
    body.dataset.loaded = "yes";
  }

  async function refresh() {
    try {
      const fresh = await fetchState();
      const first = state === null;
      state = fresh;
      if (first) live = state.panels.live.items.slice();
      const t = state.layout.title || state.workspace.name;
      document.getElementById("wall-title").textContent = t;
      render();
    } catch (err) {
      stateBox.textContent = err.message;
    }
  }

  function rotate() {
    clearTimeout(rotateTimer);
    rotateTimer = setTimeout(function () {
      if (state && !state.crisis) { screen += 1; render(); }
      rotate();
    }, state ? state.layout.rotation_seconds * 1000 : 20000);
  }

  function connect() {
    const es = new EventSource(base + "/live" + suffix);
    es.onopen = function () { stateBox.textContent = _("live"); };
    es.onerror = function () {
      stateBox.textContent = es.readyState === EventSource.CLOSED ? _("disconnected") : _("reconnecting…");
    };
    es.addEventListener("end", function () { es.close(); stateBox.textContent = _("key revoked"); });
    es.addEventListener("mention", function (ev) {
      const m = JSON.parse(ev.data);
      seen += 1;
      live.unshift(m);
      live = live.slice(0, 30);
      const box = document.getElementById("wall-live");
      if (box) {
        if (box.firstChild && box.firstChild.classList.contains("meta")) SH.clear(box);
        const li = SH.mentionItem(m);
        li.classList.add("fresh");
        box.insertBefore(li, box.firstChild);
        while (box.childNodes.length > 30) box.removeChild(box.lastChild);
      }
    });
  }

  // 24-hour clock in the workspace's language and time zone (not the kiosk machine's)
  function tick() {
    const opts = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    const tz = body.dataset.timezone;
    if (tz) opts.timeZone = tz;
    let text;
    try { text = new Date().toLocaleTimeString(SH.lang, opts); }
    catch (err) { delete opts.timeZone; text = new Date().toLocaleTimeString(SH.lang, opts); }
    document.getElementById("wall-clock").textContent = text;
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  tick(); setInterval(tick, 10000);
  refresh().then(function () { rotate(); connect(); });
  setInterval(refresh, 15000);
})();
