// Explore: boolean search with the linter, every facet, cursor paging, exports.
// Facets the query language can express (watchlist, author, place) are ANDed into q;
// platform, lang and sentiment are parameters. Text is written with textContent only.
"use strict";
(function () {
  const slug = document.body.dataset.slug;
  const base = "/api/workspaces/" + encodeURIComponent(slug);
  const input = document.getElementById("q");
  const results = document.getElementById("results");
  const facetsBox = document.getElementById("facets");
  const more = document.getElementById("more");
  const error = document.getElementById("search-error");
  const lintBox = document.getElementById("lint");
  const chosenBox = document.getElementById("chosen");
  const params_ = ["platform", "lang", "sentiment", "story", "city", "departement"];
  const grouped = ["story", "city", "departement"];  // filters /explore/mentions applies
  const fields = { watchlist: "list", author: "author", place: "country" };
  const chosen = { platform: null, lang: null, sentiment: null, watchlist: null, author: null, place: null,
    story: null, city: null, departement: null };
  const labels = {};  // story id / département code -> what the person reads
  let cursor = null;
  let lintTimer = null;
  let extent = null;  // {first, last} of the workspace's mentions, read once
  const _ = SH._;
  // facet names (the API's field names), shown translated
  const FIELD_NAMES = { platform: _("platform"), lang: _("language"), sentiment: _("sentiment"),
    category: _("category"), watchlist: _("watchlist"), place: _("place"), author: _("author"),
    story: _("story"), city: _("city"), departement: _("department") };

  function quoted(v) { return '"' + String(v).replace(/"/g, "") + '"'; }

  function query() {
    const parts = [];
    if (input.value.trim()) parts.push("(" + input.value.trim() + ")");
    Object.keys(fields).forEach(function (k) {
      if (chosen[k]) parts.push(fields[k] + ":" + quoted(chosen[k]));
    });
    return parts.join(" AND ");
  }

  function params() {
    const p = new URLSearchParams();
    const q = query();
    if (q) p.set("q", q);
    const v = document.getElementById("range").value;
    if (v === "auto" && extent && extent.last) {
      // "where the data is": the workspace's first to last mention (an imported
      // archive may be years old), as the dashboard opens
      p.set("since", new Date(extent.first).toISOString());
      p.set("until", new Date(new Date(extent.last).getTime() + 1000).toISOString());
    } else {
      const hours = v === "auto" ? 168 : Number(v);
      p.set("since", new Date(Date.now() - hours * 3600e3).toISOString());
    }
    params_.forEach(function (k) { if (chosen[k]) p.set(k, chosen[k]); });
    return p;
  }

  function exports_() {
    const p = params();
    p.set("format", "csv");
    document.getElementById("export-csv").href = base + "/export?" + p.toString();
    p.set("format", "jsonl");
    document.getElementById("export-jsonl").href = base + "/export?" + p.toString();
  }

  function renderLint(messages) {
    SH.clear(lintBox);
    messages.forEach(function (m) {
      lintBox.appendChild(SH.el("li", "lint-" + m.level, _("%(level)s at column %(column)s: %(message)s",
        { level: _(m.level), column: m.column, message: m.display_message || m.message })));
    });
  }

  async function lint() {
    const q = input.value;
    if (!q.trim()) { renderLint([]); return; }
    try { renderLint((await SH.api(base + "/lint?q=" + encodeURIComponent(q))).messages); }
    catch (err) { renderLint([{ level: "error", column: 0, message: err.message }]); }
  }

  function renderFacets(data) {
    SH.clear(facetsBox);
    document.getElementById("facet-note").textContent = data.exact ? "" : _("(categories to authors: newest %(n)s)", { n: SH.num(data.scanned) });
    ["platform", "lang", "sentiment", "category", "watchlist", "place", "author", "story", "city", "departement"].forEach(function (field) {
      const group = SH.el("div", "facet");
      group.appendChild(SH.el("h3", "", FIELD_NAMES[field] || field));
      const values = data[field] || [];
      if (!values.length) group.appendChild(SH.el("span", "meta", "—"));
      values.forEach(function (f) {
        if (f.label) labels[field + ":" + f.value] = f.label;
        const shown = field === "sentiment" || (field === "platform" && f.value === "unknown") ? _(f.value) : f.value;
        const label = (f.label || shown) + " (" + SH.num(f.count) + ")";
        if (!(field in chosen)) { // categories: counted, not a filter the search can apply
          group.appendChild(SH.el("span", "chip", label));
          return;
        }
        const b = SH.el("button", chosen[field] === f.value ? "on" : "", label);
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

  function showChosen() {
    chosenBox.textContent = Object.keys(chosen).filter(function (k) { return chosen[k]; })
      .map(function (k) { return (FIELD_NAMES[k] || k) + " = " + (labels[k + ":" + chosen[k]] || chosen[k]); }).join(" · ");
  }

  function item(m) {
    return SH.linkedItem(slug, m);
  }

  async function run(next) {
    error.textContent = "";
    if (extent === null) {
      try { extent = await SH.api(base + "/extent"); } catch (err) { extent = {}; }
    }
    const p = params();
    exports_();
    showChosen();
    if (next && cursor) p.set("cursor", cursor);
    try {
      const narrow = grouped.some(function (k) { return chosen[k]; });
      const page = await SH.api(base + (narrow ? "/explore/mentions" : "/mentions") + "?limit=25&" + p.toString());
      if (!next) {
        SH.clear(results);
        const all = params();
        const facets = await SH.api(base + "/explore/facets?" + all.toString());
        const groups = await SH.api(base + "/explore/groups?" + all.toString());
        grouped.forEach(function (k) { facets[k] = groups[k]; });
        renderFacets(facets);
        showChosen();
      }
      page.items.forEach(function (m) { results.appendChild(item(m)); });
      if (!next && !page.items.length) results.appendChild(SH.el("li", "meta", _("No mention found.")));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      document.body.dataset.loaded = "yes";
    } catch (err) {
      error.textContent = err.message;
    }
  }

  document.getElementById("explore").addEventListener("submit", function (ev) { ev.preventDefault(); lint(); run(false); });
  document.getElementById("range").addEventListener("change", function () { run(false); });
  input.addEventListener("input", function () { clearTimeout(lintTimer); lintTimer = setTimeout(lint, 300); });
  more.addEventListener("click", function () { run(true); });
  const search = new URLSearchParams(window.location.search);
  const initial = search.get("q");
  if (initial) input.value = initial;
  grouped.forEach(function (k) { if (search.get(k)) chosen[k] = search.get(k); });
  run(false);
})();
