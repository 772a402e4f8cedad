// The dashboard's search panel: query language, facet filters, cursor paging.
"use strict";
(function () {
  const base = "/api/workspaces/" + encodeURIComponent(document.body.dataset.slug);
  const form = document.getElementById("search");
  const input = document.getElementById("q");
  const results = document.getElementById("results");
  const facetsBox = document.getElementById("facets");
  const more = document.getElementById("more");
  const error = document.getElementById("search-error");
  const chosen = { platform: null, lang: null, sentiment: null };
  const follow = document.getElementById("live-follow");
  let cursor = null;
  const FIELD_NAMES = { platform: SH._("platform"), lang: SH._("language"), sentiment: SH._("sentiment") };

  function params() {
    const p = new URLSearchParams();
    if (input.value.trim()) p.set("q", input.value.trim());
    const period = SH.period ? SH.period() : null;  // the dashboard's period (dashboard.js)
    if (period && period.since) {
      p.set("since", period.since.toISOString());
      p.set("until", period.until.toISOString());
    }
    Object.keys(chosen).forEach(function (k) { if (chosen[k]) p.set(k, chosen[k]); });
    return p;
  }

  function renderFacets(data) {
    SH.clear(facetsBox);
    Object.keys(chosen).forEach(function (field) {
      const group = SH.el("div", "facet");
      group.appendChild(SH.el("b", "", FIELD_NAMES[field] + " "));
      (data[field] || []).forEach(function (f) {
        const b = SH.el("button", chosen[field] === f.value ? "on" : "", (field === "sentiment" ? SH._(f.value) : f.value) + " (" + SH.num(f.count) + ")");
        b.type = "button";
        b.dataset.field = field;
        b.addEventListener("click", function () {
          chosen[field] = chosen[field] === f.value ? null : f.value;
          run(false);
        });
        group.appendChild(b);
      });
      facetsBox.appendChild(group);
    });
  }

  async function run(next) {
    error.textContent = "";
    const p = params();
    if (next && cursor) p.set("cursor", cursor);
    try {
      const page = await SH.api(base + "/mentions?limit=20&" + p.toString());
      if (!next) {
        SH.clear(results);
        renderFacets(await SH.api(base + "/facets?" + params().toString()));
      }
      page.items.forEach(function (m) { results.appendChild(SH.linkedItem(document.body.dataset.slug, m)); });
      if (!next && !page.items.length) results.appendChild(SH.el("li", "meta", SH._("No mention found.")));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      if (!next && follow.checked) SH.live(liveFilter());
    } catch (err) {
      error.textContent = err.message;
    }
  }

  // The live stream follows the search (query and facets) when asked to.
  function liveFilter() {
    if (!follow.checked) return "";
    const p = params();
    p.delete("since");
    p.delete("until");
    return p.toString();
  }

  follow.addEventListener("change", function () { SH.live(liveFilter()); });
  form.addEventListener("submit", function (ev) { ev.preventDefault(); run(false); });
  more.addEventListener("click", function () { run(true); });
  // searched once the dashboard has chosen its period, and again when it changes
  document.addEventListener("sh:period", function () { run(false); });
})();
