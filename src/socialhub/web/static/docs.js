// Swagger UI over the app's own OpenAPI document (a file, not an inline script: the CSP
// allows scripts from this origin only).
"use strict";
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true,
    validatorUrl: null, docExpansion: "none", defaultModelsExpandDepth: -1,
    onComplete: function () { document.body.dataset.loaded = "yes"; } });
});
