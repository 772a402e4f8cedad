// Walls: open a wall; admins edit layouts (JSON) and manage kiosk keys. textContent only.
"use strict";
(function () {
  const slug = document.body.dataset.slug;
  const base = "/api/workspaces/" + encodeURIComponent(slug) + "/walls";
  const admin = document.body.dataset.admin === "yes";

  function say(id, text, bad) {
    const e = document.getElementById(id);
    e.textContent = text;
    e.className = bad ? "error" : "meta";
  }

  async function load() {
    const data = await SH.api(base);
    const list = document.getElementById("walls");
    SH.clear(list);
    data.items.forEach(function (w) {
      const li = SH.el("li", "");
      li.appendChild(SH.el("b", "", w.title || w.name));
      li.appendChild(SH.el("div", "meta", w.name + " · " + w.screens.length + " screens · every " +
        w.rotation_seconds + " s · crisis at severity ≥ " + w.crisis_severity));
      const a = SH.el("a", "", "Open this wall");
      a.href = "/wall/" + encodeURIComponent(slug) + "/" + encodeURIComponent(w.name);
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!admin) { document.body.dataset.loaded = "yes"; return; }
    document.getElementById("layouts").value = JSON.stringify(data.items, null, 2);
    const select = document.getElementById("key-wall");
    SH.clear(select);
    data.items.forEach(function (w) { const o = SH.el("option", "", w.name); o.value = w.name; select.appendChild(o); });
    const keys = document.getElementById("keys");
    SH.clear(keys);
    data.tokens.forEach(function (t) {
      const tr = SH.el("tr", "");
      [t.wall, t.name, t.prefix + "…", SH.when(t.created_at), t.revoked_at ? "revoked" : "live"].forEach(function (v) {
        tr.appendChild(SH.el("td", "", v));
      });
      const td = SH.el("td", "");
      if (!t.revoked_at) {
        const b = SH.el("button", "", "Revoke");
        b.type = "button";
        b.dataset.token = t.id;
        b.addEventListener("click", async function () {
          await SH.api(base + "/tokens/" + t.id, { method: "DELETE" });
          load();
        });
        td.appendChild(b);
      }
      tr.appendChild(td);
      keys.appendChild(tr);
    });
    document.body.dataset.loaded = "yes";
  }

  if (admin) {
    document.getElementById("save-layouts").addEventListener("click", async function () {
      let walls;
      try { walls = JSON.parse(document.getElementById("layouts").value); }
      catch (err) { say("layouts-msg", "Not valid JSON: " + err.message, true); return; }
      try { await SH.api(base, { method: "PUT", body: { walls: walls } }); say("layouts-msg", "Saved."); load(); }
      catch (err) { say("layouts-msg", err.message, true); }
    });
    document.getElementById("new-key").addEventListener("submit", async function (ev) {
      ev.preventDefault();
      const out = document.getElementById("key-new");
      try {
        const t = await SH.api(base + "/tokens", { method: "POST", body: {
          wall: document.getElementById("key-wall").value, name: document.getElementById("key-name").value } });
        out.hidden = false;
        SH.clear(out);
        out.appendChild(document.createTextNode("Kiosk URL (shown once): "));
        const a = SH.el("a", "", window.location.origin + t.url);
        a.href = t.url;
        out.appendChild(a);
        load();
      } catch (err) { out.hidden = false; out.textContent = err.message; }
    });
  }
  load().catch(function (err) { say("layouts-msg", err.message, true); });
})();
