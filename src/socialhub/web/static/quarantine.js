// Quarantined input (site administrators), from /api/quarantine.
"use strict";
(async function () {
  const data = await SH.api("/api/quarantine?limit=200");
  document.getElementById("q-total").textContent = SH.n_("%(n)s item", "%(n)s items", data.total);
  const body = document.getElementById("q-items");
  data.items.forEach(function (i) {
    const tr = SH.el("tr");
    tr.appendChild(SH.el("td", "", SH.when(i.created_at)));
    const where = i.display_location || i.location;  // the reader's language
    tr.appendChild(SH.el("td", "", i.source + (where ? " " + where : "")));
    tr.appendChild(SH.el("td", "", i.display_reason || i.reason));  // the reader's language
    tr.appendChild(SH.el("td", "text", i.raw.slice(0, 500)));
    body.appendChild(tr);
  });
  document.body.dataset.loaded = "yes";
})();
