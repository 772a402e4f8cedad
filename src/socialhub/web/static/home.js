// The workspace list, from /api/workspaces.
"use strict";
(async function () {
  const list = document.getElementById("workspaces");
  const data = await SH.api("/api/workspaces");
  if (!data.items.length) document.getElementById("no-workspace").hidden = false;
  data.items.forEach(function (w) {
    const li = SH.el("li");
    const a = SH.el("a", "", w.name);
    a.href = "/w/" + encodeURIComponent(w.slug);
    li.appendChild(a);
    li.appendChild(SH.el("div", "meta", SH._(w.role) + " · " + w.timezone));
    list.appendChild(li);
  });
  document.body.dataset.loaded = "yes";
})();
