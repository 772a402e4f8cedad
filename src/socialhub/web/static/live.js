// Live stream over SSE. Post text is hostile: only textContent, never innerHTML.
(function () {
  "use strict";
  const list = document.getElementById("stream");
  const liveCount = document.getElementById("live-count");
  const total = document.getElementById("total");
  let n = 0;
  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function render(m) {
    const li = el("li", "mention");
    li.dataset.id = m.id;
    const meta = el("div", "meta");
    meta.appendChild(el("b", "", (m.author && m.author.name) || ""));
    meta.appendChild(document.createTextNode(
      " @" + ((m.author && m.author.handle) || "") + " · " + m.platform + " · " + m.lang +
      " · " + new Date(m.created_at).toLocaleString()));
    li.appendChild(meta);
    li.appendChild(el("p", "text", m.text));
    return li;
  }
  const source = new EventSource("/api/live");
  source.addEventListener("mention", function (ev) {
    const m = JSON.parse(ev.data);
    list.insertBefore(render(m), list.firstChild);
    while (list.children.length > 200) list.removeChild(list.lastChild);
    n += 1;
    liveCount.textContent = String(n);
    total.textContent = String(Number(total.textContent) + 1);
  });
})();
