// Walls: open a wall; admins edit layouts (a form with a preview) and manage kiosk keys.
// textContent only.
"use strict";
(function () {
  const slug = document.body.dataset.slug;
  const base = "/api/workspaces/" + encodeURIComponent(slug) + "/walls";
  const admin = document.body.dataset.admin === "yes";
  const _ = SH._;

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
      li.appendChild(SH.el("div", "meta", w.name + " · " + SH.n_("%(n)s screen", "%(n)s screens", w.screens.length) + " · " +
        _("every %(n)s s", { n: w.rotation_seconds }) + " · " + _("crisis at severity ≥ %(n)s", { n: w.crisis_severity })));
      const a = SH.el("a", "", _("Open this wall"));
      a.href = "/wall/" + encodeURIComponent(slug) + "/" + encodeURIComponent(w.name);
      li.appendChild(a);
      list.appendChild(li);
    });
    if (!admin) { document.body.dataset.loaded = "yes"; return; }
    const forms = document.getElementById("wall-forms");
    SH.clear(forms);
    data.items.forEach(function (w) { forms.appendChild(wallForm(w)); });
    changed();
    const select = document.getElementById("key-wall");
    SH.clear(select);
    data.items.forEach(function (w) { const o = SH.el("option", "", w.name); o.value = w.name; select.appendChild(o); });
    const keys = document.getElementById("keys");
    SH.clear(keys);
    data.tokens.forEach(function (t) {
      const tr = SH.el("tr", "");
      [t.wall, t.name, t.prefix + "…", SH.when(t.created_at), t.revoked_at ? _("revoked") : _("live")].forEach(function (v) {
        tr.appendChild(SH.el("td", "", v));
      });
      const td = SH.el("td", "");
      if (!t.revoked_at) {
        const b = SH.el("button", "", _("Revoke"));
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

  // -- the layout form ------------------------------------------------------------------
  const F = window.FORMS;
  const PANELS = ["volume", "live", "top_posts", "alerts", "sentiment", "share_of_voice"];
  const TITLES = { volume: _("Volume"), live: _("Live"), top_posts: _("Top posts"), alerts: _("Alerts"),
    sentiment: _("Sentiment"), share_of_voice: _("Share of voice") };
  const panelOptions = PANELS.map(function (p) { return [p, TITLES[p]]; });

  function screenRow(panels, onRemove) {
    const row = SH.el("div", "screen-row");
    const group = F.checks(_("Screen"), panelOptions, panels);
    row.appendChild(group);
    row.appendChild(F.button(_("Remove screen"), function () { row.remove(); onRemove(); }));
    row.read = group.values;
    return row;
  }

  function wallForm(w) {
    const fs = SH.el("fieldset", "wall-form");
    fs.appendChild(SH.el("legend", "", _("Wall %(name)s", { name: w.name || "" })));
    const name = F.input("text", w.name || "", { required: "", pattern: "[a-z0-9][a-z0-9_\\-]{0,39}",
      title: _("lowercase letters, digits, - or _") });
    const title = F.input("text", w.title || "", { maxlength: 200 });
    const mode = F.select([["operations", _("operations (team room)")], ["showcase", _("showcase (visitors)")]], w.mode || "operations");
    const crisis = F.input("checkbox", w.crisis !== false);
    const rotation = F.input("number", w.rotation_seconds || 20, { min: 5, max: 3600, required: "" });
    const scale = F.input("number", w.font_scale || 1.6, { min: 0.5, max: 4, step: 0.1, required: "" });
    const severity = F.input("number", w.crisis_severity || 8, { min: 1, max: 10, required: "" });
    const hours = F.input("number", w.hours || 24, { min: 1, max: 336, required: "" });
    [[_("Name"), name], [_("Title"), title], [_("Mode"), mode], [_("Crisis mode on this wall"), crisis],
      [_("Rotate every (s)"), rotation], [_("Text size"), scale], [_("Crisis from severity"), severity],
      [_("Hours shown"), hours]].forEach(function (f) { fs.appendChild(F.field(f[0], f[1])); });
    const screens = SH.el("div", "screens");
    (w.screens || [["volume", "live"]]).forEach(function (sc) { screens.appendChild(screenRow(sc, changed)); });
    fs.appendChild(screens);
    fs.appendChild(F.button(_("Add a screen"), function () { screens.appendChild(screenRow(["volume"], changed)); changed(); }));
    const crisisPanels = F.checks(_("Crisis screen"), panelOptions, w.crisis_panels || ["volume", "alerts", "live"]);
    fs.appendChild(crisisPanels);
    fs.appendChild(F.button(_("Remove this wall"), function () { fs.remove(); changed(); }));
    function sync() { crisis.disabled = mode.value === "showcase"; crisisPanels.hidden = mode.value === "showcase"; }
    mode.addEventListener("change", sync);
    sync();
    fs.read = function () {
      const out = { name: name.value.trim(), title: title.value, mode: mode.value,
        rotation_seconds: Number(rotation.value), font_scale: Number(scale.value),
        crisis_severity: Number(severity.value), hours: Number(hours.value),
        screens: Array.from(screens.children).map(function (r) { return r.read(); }) };
      if (mode.value !== "showcase") { out.crisis = crisis.checked; out.crisis_panels = crisisPanels.values(); }
      return out;
    };
    return fs;
  }

  function wallsValue() {
    return Array.from(document.getElementById("wall-forms").children).map(function (f) { return f.read(); });
  }

  // The preview: each wall's screens as small boxes, and the server's problems.
  function drawPreview(walls) {
    const box = document.getElementById("walls-preview");
    SH.clear(box);
    walls.forEach(function (w) {
      const row = SH.el("div", "mini-wall");
      row.appendChild(SH.el("b", "", (w.title || w.name) + " · " + w.mode));
      w.screens.forEach(function (sc, i) {
        const mini = SH.el("div", "mini-screen n" + sc.length);
        mini.setAttribute("aria-label", _("screen %(n)s", { n: i + 1 }));
        sc.forEach(function (p) { mini.appendChild(SH.el("span", "", TITLES[p] || p)); });
        row.appendChild(mini);
      });
      box.appendChild(row);
    });
  }

  let timer = null;
  function changed() {
    clearTimeout(timer);
    timer = setTimeout(async function () {
      const walls = wallsValue();
      drawPreview(walls);
      try {
        const p = await SH.api(base + "/preview", { method: "POST", body: { value: walls } });
        F.lines(document.getElementById("walls-problems"), p.display_problems || p.problems, true);
        document.body.dataset.preview = p.problems.length ? "problems" : "ok";
      } catch (err) { F.lines(document.getElementById("walls-problems"), [err.message], true); }
    }, 200);
  }

  if (admin) {
    const form = document.getElementById("walls-form");
    form.addEventListener("input", changed);
    form.addEventListener("change", changed);
    document.getElementById("wall-add").addEventListener("click", function () {
      document.getElementById("wall-forms").appendChild(wallForm({ name: "", screens: [["volume", "live"]] }));
      changed();
    });
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      if (!form.reportValidity()) return;
      try { await SH.api(base, { method: "PUT", body: { walls: wallsValue() } }); say("layouts-msg", _("Saved.")); load(); }
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
        out.appendChild(document.createTextNode(_("Kiosk URL (shown once):") + " "));
        const a = SH.el("a", "", window.location.origin + t.url);
        a.href = t.url;
        out.appendChild(a);
        load();
      } catch (err) { out.hidden = false; out.textContent = err.message; }
    });
  }
  load().catch(function (err) { say("layouts-msg", err.message, true); });
})();
