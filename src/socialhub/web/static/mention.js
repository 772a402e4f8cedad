// A mention with its thread, author card and (legal, admin) evidence. textContent only.
"use strict";
(function () {
  const slug = document.body.dataset.slug;
  const id = document.body.dataset.mention;
  const _ = SH._;
  const url = "/api/workspaces/" + encodeURIComponent(slug) + "/mentions/" + encodeURIComponent(id);

  function link(m) {
    const li = SH.mentionItem(m);
    const a = SH.el("a", "open", _("Open"));
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
    if (!items.length) box.appendChild(SH.el("li", "meta", _("none in this workspace")));
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
    kv(facts, _("kind"), _(m.kind));
    kv(facts, _("url"), m.url);
    kv(facts, _("engagement"), Object.keys(m.engagement || {}).map(function (k) { return _(k) + " " + SH.num(m.engagement[k]); }).join(", "));
    kv(facts, _("place"), [m.place, m.country].filter(Boolean).join(" · "));
    kv(facts, _("watchlists"), (m.watchlists || []).join(", "));
    // a category found by several classifiers is listed once
    const cats = (m.categories || []).map(function (c) { return c.label || c.name || ""; });
    kv(facts, _("categories"), cats.filter(function (c, i) { return c && cats.indexOf(c) === i; }).join(", "));
    const ctx = document.getElementById("context");
    const RELATIONS = { root: _("root"), parent: _("parent"), quoted: _("quoted"), reposted: _("reposted") };
    ["root", "parent", "quoted", "reposted"].forEach(function (name) {
      const rel = data.thread[name];
      if (!rel) return;
      ctx.appendChild(SH.el("h3", "", RELATIONS[name]));
      if (rel.mention) { const l = SH.el("ol", "stream"); l.appendChild(link(rel.mention)); ctx.appendChild(l); }
      else ctx.appendChild(SH.el("p", "meta", _("%(id)s (not collected in this workspace)", { id: rel.id })));
    });
    if (!ctx.firstChild) ctx.appendChild(SH.el("p", "meta", _("Not a reply, quote nor repost.")));
    fill("replies", data.thread.replies);
    fill("quotes", data.thread.quotes);
    const a = data.author || {};
    const dl = document.getElementById("author");
    const AUTHOR = { name: _("name"), handle: _("handle"), platform: _("platform"), followers: _("followers"),
      following: _("following"), verified: _("verified"), location: _("location"), description: _("description"),
      created_at: _("created at"), mentions_here: _("mentions here") };
    Object.keys(AUTHOR).forEach(function (k) {
      let v = a[k] === undefined ? null : a[k];
      if (typeof v === "boolean") v = v ? _("yes") : _("no");
      else if (typeof v === "number") v = SH.num(v);
      else if (k === "created_at" && v) v = SH.when(v);
      kv(dl, AUTHOR[k], v === null ? null : String(v));
    });
    if (data.evidence && document.getElementById("evidence")) {
      const ev = document.getElementById("evidence");
      kv(ev, _("SHA-256 of the payload"), data.evidence.raw_sha256);
      kv(ev, _("collected at"), data.evidence.collected_at);
      kv(ev, _("collected via"), data.evidence.collected_via);
      document.getElementById("raw").textContent = data.evidence.raw === null || data.evidence.raw === undefined
        ? _("(no payload kept)") : (typeof data.evidence.raw === "string" ? data.evidence.raw : JSON.stringify(data.evidence.raw, null, 2));
    }
    document.body.dataset.loaded = "yes";
  }
  load();
})();
