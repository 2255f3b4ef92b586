{{/*
The paths the console's Ingress routes, and nothing else: the web app's entry (/ exactly), its
hashed assets, its client-side pages, the BFF's /api and the sign-in routes under /auth. Never
/metrics, /readyz, /livez, /healthz or /docs: those stay inside the cluster. The client-side pages
are the first segments of services/console/web/src/app/App.tsx's routes; a console test
(ingress-paths.test) fails when a page is added there and not here.
*/}}
{{- define "appgov.consolePublicPaths" -}}
- { path: /, pathType: Exact }
- { path: /assets, pathType: Prefix }
- { path: /api, pathType: Prefix }
- { path: /auth, pathType: Prefix }
{{- range list "integrations" "apps" "users" "admins" "api-tokens" "findings" "notifications" "operator" }}
- { path: /{{ . }}, pathType: Prefix }
{{- end }}
{{- end }}
