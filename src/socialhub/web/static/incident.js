// The incident page's buttons: acknowledge, status, ownership, playbook steps, notes.
// Each calls the REST API (CSRF header from SH.api) and reloads the server-rendered page.
"use strict";
(function () {
  const body = document.body;
  const base = "/api/workspaces/" + encodeURIComponent(body.dataset.slug) + "/incidents/" + body.dataset.incident;
  const $ = function (id) { return document.getElementById(id); };

  async function post(path, data) {
    try {
      await SH.api(base + path, { method: "POST", body: data || {} });
      window.location.reload();
    } catch (err) { if ($("msg")) $("msg").textContent = err.message; }
  }

  if ($("ack")) $("ack").addEventListener("click", function () { post("/ack"); });
  document.querySelectorAll("button.status").forEach(function (b) {
    b.addEventListener("click", function () { post("/status", { status: b.dataset.to }); });
  });
  if ($("take")) $("take").addEventListener("click", function () {
    SH.api("/api/me").then(function (me) { post("/owner", { owner: me.username }); });
  });
  document.querySelectorAll("input.step").forEach(function (box) {
    box.addEventListener("change", function () {
      post("/steps/" + encodeURIComponent(box.value), { done: box.checked });
    });
  });
  if ($("note-form")) $("note-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    if ($("note").value.trim()) post("/notes", { text: $("note").value });
  });
  body.dataset.ready = "yes";
})();
