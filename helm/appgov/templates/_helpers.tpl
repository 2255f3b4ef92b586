{{/*
Shared helpers. Every per-service template calls one of the "appgov.<kind>" templates below with
(dict "root" $ "svc" "<values key>"), so the four services cannot drift apart: a service differs
from another only through its values block.
*/}}

{{- define "appgov.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "appgov.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "appgov.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The component name of a values key: "connection" -> "connection-service". */}}
{{- define "appgov.component" -}}
{{- printf "%s-service" .svc }}
{{- end }}

{{/* Object name of one service's resources: "<fullname>-connection". */}}
{{- define "appgov.svcFullname" -}}
{{- printf "%s-%s" (include "appgov.fullname" .root) .svc | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Values block of one service. */}}
{{- define "appgov.svcValues" -}}
{{- toYaml (index .root.Values .svc) }}
{{- end }}

{{/*
Selector labels: stable for the life of a release. Never add helm.sh/chart or the version here:
Deployment selectors are immutable, so a chart upgrade would fail.
*/}}
{{- define "appgov.selectorLabels" -}}
app.kubernetes.io/name: {{ include "appgov.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ include "appgov.component" . }}
{{- end }}

{{/* Labels on every object of one service (a superset of the selector labels). */}}
{{- define "appgov.labels" -}}
helm.sh/chart: {{ include "appgov.chart" .root }}
{{ include "appgov.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: appgov
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Labels of a service's helper pods (migration Job, helm test). Their component differs from the
service's, so the Service, PDB and ServiceMonitor never select them.
*/}}
{{- define "appgov.auxLabels" -}}
helm.sh/chart: {{ include "appgov.chart" .root }}
app.kubernetes.io/name: {{ include "appgov.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ include "appgov.component" . }}-{{ .role }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: appgov
{{- with .root.Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Labels on chart-wide objects (dashboards, rules) that belong to no one service. */}}
{{- define "appgov.chartLabels" -}}
helm.sh/chart: {{ include "appgov.chart" . }}
app.kubernetes.io/name: {{ include "appgov.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: appgov
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "appgov.serviceAccountName" -}}
{{- $v := index .root.Values .svc }}
{{- if $v.serviceAccount.create }}
{{- default (include "appgov.svcFullname" .) $v.serviceAccount.name }}
{{- else }}
{{- default "default" $v.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "appgov.image" -}}
{{- $v := index .root.Values .svc }}
{{- $registry := default $v.image.registry .root.Values.global.imageRegistry }}
{{- $repo := $v.image.repository }}
{{- if $registry }}{{ $repo = printf "%s/%s" $registry $repo }}{{ end }}
{{- if $v.image.digest }}
{{- printf "%s@%s" $repo $v.image.digest }}
{{- else }}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $v.image.tag) }}
{{- end }}
{{- end }}

{{- define "appgov.existingSecret" -}}
{{- $v := index .root.Values .svc }}
{{- required (printf "%s.existingSecret is required: the name of a Secret holding DATABASE_URL, REDIS_URL and the service's other secret variables" .svc) $v.existingSecret }}
{{- end }}

{{/* Whether this service logs in to Vault (and so needs its ServiceAccount token). */}}
{{- define "appgov.usesVaultK8sAuth" -}}
{{- $v := index .root.Values .svc }}
{{- if and $v.vault.enabled (eq .root.Values.vault.authMethod "kubernetes") }}true{{ end }}
{{- end }}

{{/*
Non-secret environment of one service as a YAML map, in the variable names of the services'
config schemas (services/<name>/src/config.ts). The ConfigMap carries it for the Deployment; the
migration Job inlines it, because pre-install hooks run before the ConfigMap exists.
*/}}
{{- define "appgov.envMap" -}}
{{- $root := .root }}
{{- $v := index $root.Values .svc }}
{{- /* The services listen on loopback unless told otherwise. */}}
{{- $env := dict
  "HOST" "0.0.0.0"
  "PORT" (toString $v.containerPort)
  "LOG_LEVEL" (default $root.Values.logLevel $v.logLevel)
  "KAFKA_BROKERS" (join "," $root.Values.kafka.brokers)
  "OTEL_SERVICE_NAME" (include "appgov.component" .)
}}
{{- with $root.Values.kafka.topicPrefix }}{{ $_ := set $env "KAFKA_TOPIC_PREFIX" . }}{{ end }}
{{- with $root.Values.kafka.groupPrefix }}{{ $_ := set $env "KAFKA_GROUP_PREFIX" . }}{{ end }}
{{- with $root.Values.telemetry.otlpEndpoint }}{{ $_ := set $env "OTEL_EXPORTER_OTLP_ENDPOINT" . }}{{ end }}
{{- with $root.Values.telemetry.otlpTracesEndpoint }}{{ $_ := set $env "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT" . }}{{ end }}
{{- with $root.Values.telemetry.tracesSampler }}{{ $_ := set $env "OTEL_TRACES_SAMPLER" . }}{{ end }}
{{- /* Not `with`: a ratio of 0 is a value, not "unset". */}}
{{- $samplerArg := $root.Values.telemetry.tracesSamplerArg }}
{{- if not (or (kindIs "invalid" $samplerArg) (eq (toString $samplerArg) "")) }}
{{- $_ := set $env "OTEL_TRACES_SAMPLER_ARG" (toString $samplerArg) }}
{{- end }}
{{- with $root.Values.auth.jwksUrl }}{{ $_ := set $env "JWT_JWKS_URL" . }}
{{- $_ := required "auth.issuer is required with auth.jwksUrl" $root.Values.auth.issuer }}
{{- $_ := required "auth.audience is required with auth.jwksUrl" $root.Values.auth.audience }}{{ end }}
{{- with $root.Values.auth.issuer }}{{ $_ := set $env "JWT_ISSUER" . }}{{ end }}
{{- with $root.Values.auth.audience }}{{ $_ := set $env "JWT_AUDIENCE" . }}{{ end }}
{{- if $v.vault.enabled }}
{{- $vault := $root.Values.vault }}
{{- $_ := set $env "VAULT_ADDR" (required "vault.addr is required when a service has vault.enabled" $vault.addr) }}
{{- $_ := set $env "VAULT_AUTH_METHOD" $vault.authMethod }}
{{- $_ := set $env "VAULT_KV_MOUNT" $vault.kvMount }}
{{- with $vault.pathPrefix }}{{ $_ := set $env "VAULT_PATH_PREFIX" . }}{{ end }}
{{- if eq $vault.authMethod "kubernetes" }}
{{- $role := default (printf "appgov-%s" (include "appgov.component" .)) $v.vault.role }}
{{- $_ := set $env "VAULT_KUBERNETES_ROLE" $role }}
{{- $_ := set $env "VAULT_KUBERNETES_MOUNT" $vault.authPath }}
{{- end }}
{{- end }}
{{- range $k, $val := include "appgov.depsEnv" . | fromYaml }}
{{- $_ := set $env $k $val }}
{{- end }}
{{- range $k, $val := $v.env }}
{{- $_ := set $env $k (toString $val) }}
{{- end }}
{{- toYaml $env }}
{{- end }}
