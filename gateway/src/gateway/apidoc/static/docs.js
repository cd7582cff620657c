// Swagger UI over the platform's one API document. A file, not an inline script, so the
// page's Content-Security-Policy needs no 'unsafe-inline' for scripts.
window.ui = SwaggerUIBundle({
  url: document.getElementById('swagger-ui').dataset.openapi,
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
