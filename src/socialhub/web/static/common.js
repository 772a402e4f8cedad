// Shared helpers. Post text, names and query names are hostile: the DOM is only ever
// written with textContent / createTextNode, never innerHTML; the one HTML string we
// build (ECharts tooltips) goes through esc().
"use strict";
window.SH = (function () {
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // For HTML strings handed to a library (ECharts tooltip formatters).
  function esc(value) {
    return String(value).replace(/[&<>"'`]/g, function (c) {
      return "&#" + c.charCodeAt(0) + ";";
    });
  }

  async function api(path, options) {
    const opts = Object.assign({ headers: {}, credentials: "same-origin" }, options || {});
    opts.headers = Object.assign({ Accept: "application/json" }, opts.headers);
    if (opts.method && opts.method !== "GET") {
      opts.headers["X-CSRF-Token"] = csrf;
      if (opts.body !== undefined && typeof opts.body !== "string") {
        opts.headers["Content-Type"] = "application/json";
        opts.body = JSON.stringify(opts.body);
      }
    }
    const r = await fetch(path, opts);
    if (r.status === 401) {
      window.location.assign("/login?next=" + encodeURIComponent(window.location.pathname));
      throw new Error("session expired");
    }
    const data = await r.json();
    if (!r.ok) throw new Error(data.message || ("HTTP " + r.status));
    return data;
  }

  // Dates as the workspace reads them: its language, its time zone, a 24-hour clock.
  function when(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return "";
    const opts = { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" };
    const tz = document.body && document.body.dataset.timezone;
    if (tz) opts.timeZone = tz;
    try { return d.toLocaleString(document.documentElement.lang || "fr", opts); }
    catch (err) { delete opts.timeZone; return d.toLocaleString("fr", opts); }
  }

  function mentionItem(m) {
    const li = el("li", "mention");
    li.dataset.id = m.id;
    const meta = el("div", "meta");
    const author = m.author || {};
    meta.appendChild(el("b", "", author.name || author.handle || ""));
    meta.appendChild(document.createTextNode(
      " @" + (author.handle || "") + " · " + m.platform + " · " + m.lang +
      (m.sentiment_label ? " · " + m.sentiment_label : "") +
      " · " + when(m.created_at)));
    li.appendChild(meta);
    li.appendChild(el("p", "text", m.text));
    return li;
  }

  // A mention item with an "open" link to its page (thread, author card).
  function linkedItem(slug, m) {
    const li = mentionItem(m);
    const a = el("a", "open", "open");
    a.href = "/w/" + encodeURIComponent(slug) + "/m/" + encodeURIComponent(m.id);
    li.querySelector(".meta").appendChild(document.createTextNode(" · "));
    li.querySelector(".meta").appendChild(a);
    return li;
  }

  return {
    el: el, clear: clear, esc: esc, api: api, when: when, mentionItem: mentionItem,
    linkedItem: linkedItem, csrf: csrf,
  };
})();
