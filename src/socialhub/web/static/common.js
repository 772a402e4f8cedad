// Shared helpers. Post text, names and query names are hostile: the DOM is only ever
// written with textContent / createTextNode, never innerHTML; the one HTML string we
// build (ECharts tooltips) goes through esc().
"use strict";
window.SH = (function () {
  const csrf = (document.querySelector('meta[name="csrf-token"]') || {}).content || "";

  // Translations: the page carries the catalogue of this page's language for every
  // SH._("…") of the scripts (socialhub.web.locale_web.js_catalogue); msgids are English.
  let catalogue = {};
  try {
    const node = document.getElementById("sh-i18n");
    if (node) catalogue = JSON.parse(node.textContent) || {};
  } catch (err) { catalogue = {}; }
  const lang = document.documentElement.lang || "fr";
  let SH_WORDS = null;

  function fill(text, params) {
    if (!params) return text;
    return text.replace(/%\((\w+)\)s/g, function (m, k) {
      return Object.prototype.hasOwnProperty.call(params, k) ? String(params[k]) : m;
    });
  }

  // SH._("Text %(n)s", {n: 3}): the translation, placeholders filled.
  function _(msgid, params) {
    const t = catalogue[msgid];
    return fill(typeof t === "string" && t ? t : (Array.isArray(t) && t[0]) || msgid, params);
  }

  // SH.n_("%(n)s post", "%(n)s posts", n, {n: n}): French uses the singular for 0 and 1.
  function n_(singular, plural, n, params) {
    const t = catalogue[singular];
    const one = lang === "fr" ? (n === 0 || n === 1) : n === 1;
    let text = one ? singular : plural;
    if (Array.isArray(t) && t.length >= 2) text = (one ? t[0] : t[1]) || text;
    return fill(text, Object.assign({ n: num(n) }, params || {}));
  }

  // Words that arrive as values (states, sentiments, roles, kinds…) and are shown with
  // SH._(value): listed here so that the catalogue extractor finds them.
  SH_WORDS = [
    _("open"), _("acknowledged"), _("resolved"), _("merged"),
    _("positive"), _("neutral"), _("negative"), _("mixed"), _("none"),
    _("error"), _("warning"), _("info"), _("hour"), _("day"),
    _("admin"), _("analyst"), _("press"), _("legal"), _("viewer"),
    _("digest"), _("competitors"), _("crisis"), _("pending"), _("built"), _("sent"), _("failed"),
    _("journalist"), _("mp"), _("partner"), _("competitor"), _("influencer"), _("executive"), _("other"),
    _("ok"), _("idle"), _("backing_off"), _("stopped"), _("no report"),
    _("post"), _("reply"), _("repost"), _("quote"), _("comment"), _("article"), _("transcript"),
    _("likes"), _("reposts"), _("replies"), _("quotes"), _("views"),
  ];

  // Numbers as the page's language writes them (12 345,5 in French).
  function num(value, digits) {
    if (value === null || value === undefined || value === "") return "";
    const x = Number(value);
    if (isNaN(x)) return String(value);
    const opts = digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits };
    try { return x.toLocaleString(lang, opts); } catch (err) { return String(x); }
  }

  function zone() {
    const meta = document.querySelector('meta[name="timezone"]');
    return (document.body && document.body.dataset.timezone) || (meta && meta.content) || "";
  }

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
      throw new Error(_("session expired"));
    }
    const data = await r.json();
    // display_message: the error in the reader's language; message stays English (API clients)
    if (!r.ok) throw new Error(data.display_message || data.message || ("HTTP " + r.status));
    return data;
  }

  // Dates as the workspace reads them: the page's language, the workspace's time zone,
  // a 24-hour clock (an operations room reads 23:55, not 11:55 PM).
  function when(iso, options) {
    const d = iso instanceof Date ? iso : new Date(iso);
    if (isNaN(d)) return "";
    const opts = Object.assign({ year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23" }, options || {});
    const tz = zone();
    if (tz) opts.timeZone = tz;
    try { return d.toLocaleString(lang, opts); }
    catch (err) { delete opts.timeZone; return d.toLocaleString(lang, opts); }
  }

  function mentionItem(m) {
    const li = el("li", "mention");
    li.dataset.id = m.id;
    const meta = el("div", "meta");
    const author = m.author || {};
    meta.appendChild(el("b", "", author.name || author.handle || ""));
    // an imported post may have no author and no known platform (a CSV of texts)
    meta.appendChild(document.createTextNode(
      (author.handle ? " @" + author.handle + " · " : " ") +
      (m.platform === "unknown" ? _("unknown") : m.platform) + " · " + m.lang +
      (m.sentiment_label ? " · " + _(m.sentiment_label) : "") +
      " · " + when(m.created_at)));
    li.appendChild(meta);
    li.appendChild(el("p", "text", m.text));
    return li;
  }

  // A mention item with an "open" link to its page (thread, author card).
  function linkedItem(slug, m) {
    const li = mentionItem(m);
    const a = el("a", "open", _("Open"));
    a.href = "/w/" + encodeURIComponent(slug) + "/m/" + encodeURIComponent(m.id);
    li.querySelector(".meta").appendChild(document.createTextNode(" · "));
    li.querySelector(".meta").appendChild(a);
    return li;
  }

  return {
    el: el, clear: clear, esc: esc, api: api, when: when, mentionItem: mentionItem,
    linkedItem: linkedItem, csrf: csrf, _: _, n_: n_, num: num, lang: lang, zone: zone,
  };
})();
