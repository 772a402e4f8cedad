// A mention with its thread, author card and (legal, admin) evidence. textContent only.
"use strict";
(function () {
  const slug = document.body.dataset.slug;
  const id = document.body.dataset.mention;
  const url = "/api/workspaces/" + encodeURIComponent(slug) + "/mentions/" + encodeURIComponent(id);

  function link(m) {
    const li = SH.mentionItem(m);
    const a = SH.el("a", "open", "open");
    a.href = "/w/" + encodeURIComponent(slug) + "/m/" + encodeURIComponent(m.id);
    li.querySelector(".meta").appendChild(document.createTextNode(" · "));
    li.querySelector(".meta").appendChild(a);
    return li;
  }

  function kv(dl, key, value) {
    dl.appendChild(SH.el("dt", "", key));
    dl.appendChild(SH.el("dd", "", value === null || value === undefined || value === "" ? "—" : value));
  }

  function fill(list, items) {
    const box = document.getElementById(list);
    if (!items.length) box.appendChild(SH.el("li", "meta", "none in this workspace"));
    items.forEach(function (m) { box.appendChild(link(m)); });
  }

  async function load() {
    let data;
    try { data = await SH.api(url); }
    catch (err) { document.getElementById("error").textContent = err.message; return; }
    const m = data.mention;
    const box = document.getElementById("mention");
    const main = SH.mentionItem(m);
    main.classList.add("big");
    const ul = SH.el("ul", "stream"); ul.appendChild(main); box.appendChild(ul);
    const facts = SH.el("dl", "kv"); box.appendChild(facts);
    kv(facts, "kind", m.kind);
    kv(facts, "url", m.url);
    kv(facts, "engagement", Object.keys(m.engagement || {}).map(function (k) { return k + " " + m.engagement[k]; }).join(", "));
    kv(facts, "place", [m.place, m.country].filter(Boolean).join(" · "));
    kv(facts, "watchlists", (m.watchlists || []).join(", "));
    // a category found by several classifiers is listed once
    const cats = (m.categories || []).map(function (c) { return c.label || c.name || ""; });
    kv(facts, "categories", cats.filter(function (c, i) { return c && cats.indexOf(c) === i; }).join(", "));
    const ctx = document.getElementById("context");
    ["root", "parent", "quoted", "reposted"].forEach(function (name) {
      const rel = data.thread[name];
      if (!rel) return;
      ctx.appendChild(SH.el("h3", "", name));
      if (rel.mention) { const l = SH.el("ol", "stream"); l.appendChild(link(rel.mention)); ctx.appendChild(l); }
      else ctx.appendChild(SH.el("p", "meta", rel.id + " (not collected in this workspace)"));
    });
    if (!ctx.firstChild) ctx.appendChild(SH.el("p", "meta", "Not a reply, quote nor repost."));
    fill("replies", data.thread.replies);
    fill("quotes", data.thread.quotes);
    const a = data.author || {};
    const dl = document.getElementById("author");
    ["name", "handle", "platform", "followers", "following", "verified", "location", "description", "created_at", "mentions_here"].forEach(function (k) {
      kv(dl, k.replace("_", " "), a[k] === undefined ? null : String(a[k]));
    });
    if (data.evidence && document.getElementById("evidence")) {
      const ev = document.getElementById("evidence");
      kv(ev, "SHA-256 of the payload", data.evidence.raw_sha256);
      kv(ev, "collected at", data.evidence.collected_at);
      kv(ev, "collected via", data.evidence.collected_via);
      document.getElementById("raw").textContent = data.evidence.raw === null || data.evidence.raw === undefined
        ? "(no payload kept)" : (typeof data.evidence.raw === "string" ? data.evidence.raw : JSON.stringify(data.evidence.raw, null, 2));
    }
    document.body.dataset.loaded = "yes";
  }
  load();
})();
