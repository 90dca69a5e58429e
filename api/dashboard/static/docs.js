// Swagger UI's start-up, as a file (the Content-Security-Policy allows no inline script).
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  oauth2RedirectUrl: window.location.origin + "/docs/oauth2-redirect",
  validatorUrl: null,            // never call the public validator: the docs work offline
  tryItOutEnabled: false,
  persistAuthorization: false,   // a token typed here is not kept in localStorage
});
