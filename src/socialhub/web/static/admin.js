// Admin: queries (linter + debounced live preview count), watchlists (CSV import),
// members. Everything through the REST API; text written with textContent only.
"use strict";
window.ADMIN = (function () {
  const slug = document.body.dataset.slug;
  const base = "/api/workspaces/" + encodeURIComponent(slug);
  const $ = function (id) { return document.getElementById(id); };
  const _ = SH._;

  function say(id, text, bad) { $(id).textContent = text; $(id).className = bad ? "error" : "meta"; }

  function cells(tr, values) { values.forEach(function (v) { tr.appendChild(SH.el("td", "", v)); }); }

  function button(label, onclick) {
    const b = SH.el("button", "", label);
    b.type = "button";
    b.addEventListener("click", onclick);
    return b;
  }

  // -- queries --------------------------------------------------------------------
  let timer = null;
  let seq = 0;

  async function preview() {
    const q = $("query-def").value;
    const mine = ++seq;  // answers may arrive out of order: keep the latest only
    SH.clear($("query-lint"));
    if (!q.trim()) { $("query-preview").textContent = "–"; return; }
    try {
      const lint = await SH.api(base + "/lint?q=" + encodeURIComponent(q));
      if (mine !== seq) return;
      lint.messages.forEach(function (m) {
        $("query-lint").appendChild(SH.el("li", "lint-" + m.level, _("%(level)s at column %(column)s: %(message)s",
          { level: _(m.level), column: m.column, message: m.display_message || m.message })));
      });
      if (!lint.ok) { $("query-preview").textContent = "–"; return; }
      const since = new Date(Date.now() - 7 * 86400e3).toISOString();
      const n = await SH.api(base + "/count?since=" + encodeURIComponent(since) + "&q=" + encodeURIComponent(q));
      if (mine === seq) $("query-preview").textContent = SH.num(n.count);
    } catch (err) { if (mine === seq) $("query-preview").textContent = err.message; }
  }

  function edit(q) {
    $("query-id").value = q ? q.id : "";
    $("query-name").value = q ? q.name : "";
    $("query-def").value = q ? q.definition : "";
    $("query-enabled").checked = q ? q.enabled : true;
    preview();
  }

  async function loadQueries() {
    const data = await SH.api(base + "/queries");
    const tb = $("queries");
    SH.clear(tb);
    data.items.forEach(function (q) {
      const tr = SH.el("tr", "");
      cells(tr, [q.name, q.definition, q.enabled ? _("yes") : _("no")]);
      const td = SH.el("td", "");
      td.appendChild(button(_("Edit"), function () { edit(q); }));
      td.appendChild(button(_("Delete"), async function () {
        if (!window.confirm(_("Delete the query %(name)s?", { name: q.name }))) return;
        try { await SH.api(base + "/queries/" + q.id, { method: "DELETE" }); loadQueries(); }
        catch (err) { say("query-msg", err.message, true); }
      }));
      tr.appendChild(td);
      tb.appendChild(tr);
    });
  }

  $("query-def").addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(preview, 350); });
  $("query-new").addEventListener("click", function () { edit(null); });
  $("query-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const id = $("query-id").value;
    const payload = { name: $("query-name").value, definition: $("query-def").value, enabled: $("query-enabled").checked };
    try {
      const q = await SH.api(base + "/queries" + (id ? "/" + id : ""), { method: id ? "PUT" : "POST", body: payload });
      $("query-id").value = q.id;
      say("query-msg", _("Saved."));
      loadQueries();
    } catch (err) { say("query-msg", err.message, true); }
  });

  // -- watchlists -----------------------------------------------------------------
  async function loadWatchlists() {
    const data = await SH.api(base + "/watchlists");
    const ul = $("watchlists");
    SH.clear(ul);
    if (!data.items.length) ul.appendChild(SH.el("li", "meta", _("No watchlist yet.")));
    data.items.forEach(function (w) {
      const li = SH.el("li", "");
      li.appendChild(SH.el("b", "", w.name));
      li.appendChild(document.createTextNode(" · " + _(w.list_type) + " · " + _("%(n)s members:", { n: SH.num(w.members.length) }) + " " +
        w.members.slice(0, 8).map(function (m) { return "@" + m.handle; }).join(", ") + (w.members.length > 8 ? "…" : "") + " "));
      const notify = document.createElement("select");
      notify.className = "wl-notify";
      notify.setAttribute("aria-label", _("When a listed voice posts") + " — " + w.name);
      ["never", "digest", "inapp", "email"].forEach(function (v) {
        const o = SH.el("option", "", $("wl-notify").querySelector("option[value=" + v + "]").textContent);
        o.value = v; o.selected = v === w.notify; notify.appendChild(o);
      });
      notify.addEventListener("change", async function () {
        await SH.api(base + "/watchlists/" + w.id + "/notify", { method: "PUT",
          body: { notify: notify.value, min_severity: w.min_severity } });
        loadWatchlists();
      });
      li.appendChild(notify);
      li.appendChild(document.createTextNode(" ≥ " + w.min_severity + " "));
      li.appendChild(button(_("Delete"), async function () {
        if (!window.confirm(_("Delete the watchlist %(name)s?", { name: w.name }))) return;
        await SH.api(base + "/watchlists/" + w.id, { method: "DELETE" });
        loadWatchlists();
      }));
      ul.appendChild(li);
    });
  }

  $("watchlist-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    const file = $("wl-file").files[0];
    const text = file ? await file.text() : $("wl-csv").value;
    try {
      const w = await SH.api(base + "/watchlists", { method: "POST", body: {
        name: $("wl-name").value, list_type: $("wl-type").value, csv: text,
        notify: $("wl-notify").value, min_severity: Number($("wl-floor").value || 0) } });
      say("wl-msg", _("Imported %(n)s members.", { n: SH.num(w.members.length) }));
      loadWatchlists();
    } catch (err) { say("wl-msg", err.message, true); }
  });

  // -- members --------------------------------------------------------------------
  async function loadMembers() {
    const data = await SH.api(base + "/members");
    const select = $("member-role");
    if (!select.options.length) {
      data.roles.forEach(function (r) { const o = SH.el("option", "", _(r)); o.value = r; select.appendChild(o); });
    }
    const tb = $("members");
    SH.clear(tb);
    data.items.forEach(function (m) {
      const tr = SH.el("tr", "");
      cells(tr, [m.username, m.name, _(m.role) + (m.active ? "" : " · " + _("deactivated"))]);
      const td = SH.el("td", "");
      td.appendChild(button(_("Remove"), async function () {
        try { await SH.api(base + "/members/" + encodeURIComponent(m.username), { method: "PUT", body: { role: null } }); loadMembers(); }
        catch (err) { say("member-msg", err.message, true); }
      }));
      tr.appendChild(td);
      tb.appendChild(tr);
    });
  }

  $("member-form").addEventListener("submit", async function (ev) {
    ev.preventDefault();
    try {
      await SH.api(base + "/members/" + encodeURIComponent($("member-user").value.trim()),
        { method: "PUT", body: { role: $("member-role").value } });
      say("member-msg", _("Saved."));
      loadMembers();
    } catch (err) { say("member-msg", err.message, true); }
  });

  Promise.all([loadQueries(), loadWatchlists(), loadMembers()]).then(function () {
    document.body.dataset.loaded = "yes";
  });
  return { base: base, say: say, cells: cells };
})();
