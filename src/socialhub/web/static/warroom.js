// The war-room: draws /api/.../warroom with ECharts and redraws it when the workspace's
// live stream brings mentions (at most every few seconds). Post text and account
// names are hostile: the DOM is written with textContent only; ECharts tooltips go
// through SH.esc.
"use strict";
(function () {
  const body = document.body;
  const slug = body.dataset.slug;
  const url = body.dataset.url;
  const zone = body.dataset.timezone || "Europe/Paris";
  const T = JSON.parse(document.getElementById("wr-i18n").textContent);
  const hasCharts = typeof window.echarts !== "undefined";
  const charts = {};
  let mapReady = null;
  const SENT = ["negative", "neutral", "positive", "none"];
  const COLOURS = { negative: "#c0392b", neutral: "#7f8c8d", positive: "#27ae60", none: "#bdc3c7" };

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function esc(v) {
    return String(v).replace(/[&<>"'`]/g, function (c) { return "&#" + c.charCodeAt(0) + ";"; });
  }
  // the page's language (<html lang>), the workspace's zone, a 24-hour clock
  const lang = document.documentElement.lang || "fr";
  function when(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    try {
      return d.toLocaleString(lang, { timeZone: zone, day: "2-digit", month: "2-digit",
        hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch (err) { return d.toLocaleString(lang, { hourCycle: "h23" }); }
  }
  function num(n) { return Number(n || 0).toLocaleString(lang); }
  function chart(id) {
    if (!hasCharts) return null;
    if (!charts[id]) charts[id] = window.echarts.init(document.getElementById(id));
    return charts[id];
  }
  function postLink(p) {
    const a = el("a", "", p.text);
    a.href = "/w/" + encodeURIComponent(slug) + "/m/" + encodeURIComponent(p.id);
    return a;
  }

  function drawTimeline(d) {
    const events = document.getElementById("wr-events");
    clear(events);
    d.events.slice(0, 40).forEach(function (e) {
      const li = el("li", "wr-event wr-" + e.kind);
      li.appendChild(el("time", "", when(e.at)));
      let text = " " + (T[e.kind] || e.kind);
      if (e.title) text += " — " + e.title;
      if (e.who) text += " — @" + e.who;
      if (e.count) text += " (" + num(e.count) + ")";
      li.appendChild(document.createTextNode(text));
      events.appendChild(li);
    });
    const c = chart("wr-timeline");
    if (!c) return;
    const tl = d.timeline;
    const marks = d.events.map(function (e) {
      return { xAxis: tl.t[Math.max(0, tl.t.findIndex(function (t) { return t > e.at; }) - 1)] || e.at,
        name: (T[e.kind] || e.kind) + (e.title ? " — " + e.title : "") };
    });
    c.setOption({
      animation: false,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return esc(num(v)); } },
      legend: { data: SENT.map(function (k) { return T[k]; }) },
      xAxis: { type: "category", data: tl.t.map(when) },
      yAxis: { type: "value", minInterval: 1 },
      series: SENT.map(function (k, i) {
        const s = { name: T[k], type: "bar", stack: "s", data: tl[k], itemStyle: { color: COLOURS[k] } };
        if (i === 0) {
          s.markLine = { symbol: "none", label: { show: false },
            tooltip: { formatter: function (p) { return esc(p.name); } },
            data: marks.map(function (m) { return { xAxis: when(m.xAxis), name: m.name }; }) };
        }
        return s;
      }),
    }, true);
  }

  function graph(id, nodes, links, directed) {
    const c = chart(id);
    if (!c) return;
    c.setOption({
      animation: false,
      tooltip: { formatter: function (p) { return esc(p.data.id || p.data.name || ""); } },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 60, edgeLength: 40 },
        edgeSymbol: directed ? ["none", "arrow"] : ["none", "none"], edgeSymbolSize: 5,
        label: { show: false },
        data: nodes, links: links,
      }],
    }, true);
  }

  function drawCascade(d) {
    const counts = d.cascade.counts || {};
    document.getElementById("wr-cascade-counts").textContent =
      ["repost", "quote", "reply"].map(function (k) { return num(counts[k] || 0) + " " + T[k]; }).join(" · ");
    const ids = {};
    d.cascade.edges.forEach(function (e) { ids[e.source] = 1; ids[e.target] = (ids[e.target] || 1) + e.count; });
    const zero = d.patient_zero ? d.patient_zero.platform + ":" + d.patient_zero.author : null;
    const nodes = Object.keys(ids).map(function (k) {
      return { id: k, name: k, symbolSize: Math.min(40, 6 + 3 * Math.sqrt(ids[k])),
        itemStyle: { color: k === zero ? "#c0392b" : "#2c7fb8" } };
    });
    graph("wr-cascade", nodes, d.cascade.edges.map(function (e) {
      return { source: e.source, target: e.target, value: e.count };
    }), true);
  }

  function drawNetwork(d) {
    const n = d.network;
    const summary = document.getElementById("wr-network-summary");
    summary.textContent = n.nodes.length
      ? num(n.nodes.length) + " " + T.accounts + (n.first_poster ? " · " + T.first_poster + " @" + n.first_poster : "")
      : T.no_network;
    graph("wr-network", n.nodes.map(function (x) {
      return { id: x.id, name: x.id, symbolSize: x.first ? 22 : 10,
        itemStyle: { color: x.first ? "#c0392b" : "#8e44ad" } };
    }), n.links.map(function (l) { return { source: l.source, target: l.target }; }), false);
  }

  function drawTables(d) {
    const zero = document.getElementById("wr-zero");
    clear(zero);
    if (d.patient_zero) {
      const p = d.patient_zero;
      const para = el("p", "");
      para.appendChild(el("strong", "", "@" + p.author));
      para.appendChild(document.createTextNode(" (" + p.platform + ", " + when(p.at) + ") "));
      zero.appendChild(para);
      zero.appendChild(el("blockquote", "")).appendChild(postLink(p));
    } else zero.appendChild(el("p", "meta", T.nothing));

    document.getElementById("wr-answered").textContent = d.answered ? T.answered : T.unanswered;
    document.getElementById("wr-answered").className = d.answered ? "ok" : "warn";
    const resp = document.getElementById("wr-responses");
    clear(resp);
    d.responses.forEach(function (p) {
      const li = el("li", "", when(p.at) + " @" + p.author + " — ");
      li.appendChild(postLink(p));
      resp.appendChild(li);
    });

    const amp = document.querySelector("#wr-amplifiers tbody");
    clear(amp);
    d.amplifiers.forEach(function (a) {
      const tr = el("tr");
      [a.account, num(a.followers), num(a.posts), num(a.drew)].forEach(function (v, i) {
        tr.appendChild(el("td", i ? "num" : "", v));
      });
      amp.appendChild(tr);
    });

    const top = document.querySelector("#wr-top tbody");
    clear(top);
    d.top_posts.forEach(function (p) {
      const tr = el("tr");
      tr.appendChild(el("td", "", when(p.at)));
      tr.appendChild(el("td", "", "@" + p.author));
      tr.appendChild(el("td", "")).appendChild(postLink(p));
      tr.appendChild(el("td", "num", num(p.engagement)));
      top.appendChild(tr);
    });

    const places = document.getElementById("wr-places");
    clear(places);
    if (!d.places.length) places.appendChild(el("li", "meta", T.no_places));
    d.places.slice(0, 15).forEach(function (p) {
      places.appendChild(el("li", "", p.name + (p.dep_name ? " (" + p.dep_name + ")" : "") + " — " + num(p.count)));
    });
  }

  function drawPlaybook(d) {
    const panel = document.getElementById("wr-playbook-panel");
    const inc = d.incident;
    panel.hidden = !inc;
    if (!inc) return;
    const list = document.getElementById("wr-playbook");
    clear(list);
    const steps = inc.steps || [];
    const progress = inc.progress || [0, steps.length];
    document.getElementById("wr-playbook-summary").textContent = steps.length
      ? (inc.playbook ? (inc.display_playbook || inc.playbook) + " · " : "") + num(progress[0]) + "/" + num(progress[1]) + " " + T.steps_done
      : T.no_playbook;
    steps.forEach(function (s) {
      const li = el("li", s.done ? "wr-step done" : "wr-step todo");
      li.dataset.step = s.id;
      li.appendChild(el("strong", "", s.done ? "✔ " + T.step_done : "☐ " + T.step_todo));
      li.appendChild(document.createTextNode(" " + s.text));
      if (s.role) li.appendChild(el("span", "meta", " — " + T.role + " " + (s.display_role || s.role)));
      if (s.done && (s.done_by || s.done_at)) {
        li.appendChild(el("span", "meta", " — " + T.by + " " + (s.done_by || "?") +
          (s.done_at ? ", " + when(s.done_at) : "")));
      }
      list.appendChild(li);
    });
  }

  function loadMap() {
    if (!hasCharts || body.dataset.map !== "yes") return Promise.resolve(false);
    if (!mapReady) {
      mapReady = fetch("/vendor/maps/france-departements.svg", { credentials: "same-origin" })
        .then(function (r) { return r.text(); })
        .then(function (svg) { window.echarts.registerMap("fr-departements", { svg: svg }); return true; })
        .catch(function () { return false; });
    }
    return mapReady;
  }

  function drawMap(d) {
    loadMap().then(function (ok) {
      if (!ok) return;
      const c = chart("wr-map");
      const max = Math.max(1, ...d.departements.map(function (x) { return x.count; }));
      c.setOption({
        animation: false,
        tooltip: { formatter: function (p) {
          return esc((p.data && p.data.label) || p.name) + (p.value ? " : " + esc(num(p.value)) : "");
        } },
        visualMap: { min: 0, max: max, inRange: { color: ["#fdeee7", "#c0392b"] }, seriesIndex: 0, calculable: false },
        geo: { map: "fr-departements", roam: true,
          itemStyle: { areaColor: "#eceff1", borderColor: "#90a4ae", borderWidth: 0.5 } },
        series: [
          { type: "map", geoIndex: 0,
            data: d.departements.map(function (x) { return { name: x.code, value: x.count, label: x.name }; }) },
          { type: "scatter", coordinateSystem: "geo", symbolSize: function (v) { return 4 + Math.sqrt(v[2]) * 2; },
            itemStyle: { color: "#2c3e50" },
            data: d.places.filter(function (p) { return p.xy; }).map(function (p) {
              return { name: p.name, label: p.name, value: [p.xy[0], p.xy[1], p.count] };
            }) },
        ],
      }, true);
    });
  }

  function draw(d) {
    document.getElementById("wr-summary").textContent =
      num(d.size) + " " + T.posts + " · " + num(d.authors) + " " + T.authors + " · " +
      T.updated + " " + when(new Date().toISOString());
    drawTables(d);
    drawPlaybook(d);
    drawTimeline(d);
    drawCascade(d);
    drawNetwork(d);
    drawMap(d);
    body.dataset.loaded = String(Number(body.dataset.loaded || 0) + 1);
  }

  // A refused or failed call says why, as common.js's SH.api does: display_message is
  // the error in the reader's language (message stays English, for API clients). Written
  // with textContent: a message may quote what the user typed.
  function showError(text) {
    const box = document.getElementById("wr-error");
    box.textContent = text || "";
    box.hidden = !text;
  }
  async function failure(r) {
    let data = {};
    try { data = await r.json(); } catch (err) { data = {}; }
    return data.display_message || data.message || (T.failed + " (HTTP " + r.status + ")");
  }

  let busy = false, again = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const r = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (r.status === 401) {
        window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
        return;
      }
      if (r.ok) { draw(await r.json()); showError(""); }
      else showError(await failure(r));
    } catch (err) {
      showError(T.failed);  // the network, or a body that is not the war-room's
    } finally {
      busy = false;
      if (again) { again = false; setTimeout(refresh, 3000); }
    }
  }

  function live() {
    const state = document.getElementById("wr-state");
    const es = new EventSource("/api/workspaces/" + encodeURIComponent(slug) + "/live");
    let timer = null;
    es.addEventListener("open", function () { state.textContent = T.live; });
    es.addEventListener("error", function () { state.textContent = T.offline; });
    es.addEventListener("end", function () { es.close(); state.textContent = T.offline; });
    es.addEventListener("mention", function () {
      body.dataset.events = String(Number(body.dataset.events || 0) + 1);
      if (timer === null) timer = setTimeout(function () { timer = null; refresh(); }, 2000);
    });
  }

  window.addEventListener("resize", function () { Object.values(charts).forEach(function (c) { c.resize(); }); });
  refresh();
  live();
})();
