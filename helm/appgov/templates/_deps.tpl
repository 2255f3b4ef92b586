{{/*
How the services reach Kafka, PostgreSQL, Redis and Vault: the TLS files mounted from Secrets,
the environment naming them, secret variables from Secrets, and the NetworkPolicy egress derived
from the configured endpoints.
*/}}

{{- define "appgov.tlsDir" -}}/etc/appgov/tls{{- end }}

{{/*
The TLS files as a YAML list of {env, secret, key, path}: which Secret key lands at which file
(relative to appgov.tlsDir) and which variable names it. Called with the root context.
*/}}
{{- define "appgov.tlsFiles" -}}
{{- $files := list }}
{{- $k := .Values.kafka.tls }}
{{- if and (not $k.enabled) (or $k.caSecret.name $k.clientCertSecret.name) }}
{{- fail "kafka.tls.caSecret / clientCertSecret are set but kafka.tls.enabled is false: set kafka.tls.enabled: true" }}
{{- end }}
{{- with $k.caSecret.name }}
{{- $files = append $files (dict "env" "KAFKA_SSL_CA_FILE" "secret" . "key" $k.caSecret.key "path" "kafka/ca.crt" "dep" "kafka") }}
{{- end }}
{{- with $k.clientCertSecret.name }}
{{- $files = append $files (dict "env" "KAFKA_SSL_CERT_FILE" "secret" . "key" $k.clientCertSecret.certKey "path" "kafka/tls.crt" "dep" "kafka") }}
{{- $files = append $files (dict "env" "KAFKA_SSL_KEY_FILE" "secret" . "key" $k.clientCertSecret.keyKey "path" "kafka/tls.key" "dep" "kafka") }}
{{- end }}
{{- with .Values.postgres.tls.caSecret.name }}
{{- $files = append $files (dict "env" "DATABASE_SSL_CA_FILE" "secret" . "key" $.Values.postgres.tls.caSecret.key "path" "postgres/ca.crt" "dep" "postgres") }}
{{- end }}
{{- with .Values.redis.tls.caSecret.name }}
{{- $files = append $files (dict "env" "REDIS_TLS_CA_FILE" "secret" . "key" $.Values.redis.tls.caSecret.key "path" "redis/ca.crt" "dep" "redis") }}
{{- end }}
{{- with .Values.vault.caSecret.name }}
{{- $files = append $files (dict "env" "VAULT_CACERT" "secret" . "key" $.Values.vault.caSecret.key "path" "vault/ca.crt" "dep" "vault") }}
{{- end }}
{{- toYaml $files }}
{{- end }}

{{/*
The dependencies one service talks to, a YAML list: the four services Kafka, PostgreSQL and Redis
(Vault where enabled); the console only Redis (its sessions). (dict root svc)
*/}}
{{- define "appgov.svcDeps" -}}
{{- $v := index .root.Values .svc }}
{{- $deps := ternary (list "redis") (list "kafka" "postgres" "redis") (eq .svc "console") }}
{{- if $v.vault.enabled }}{{ $deps = append $deps "vault" }}{{ end }}
{{- toYaml $deps }}
{{- end }}

{{/* The TLS files one service uses: those of its dependencies. (dict root svc) */}}
{{- define "appgov.svcTlsFiles" -}}
{{- $deps := include "appgov.svcDeps" . | fromYamlArray }}
{{- $out := list }}
{{- range include "appgov.tlsFiles" .root | fromYamlArray }}
{{- if has .dep $deps }}{{ $out = append $out . }}{{ end }}
{{- end }}
{{- toYaml $out }}
{{- end }}

{{/* The projected volume holding a service's TLS files, or nothing. (dict root svc) */}}
{{- define "appgov.tlsVolume" -}}
{{- $files := include "appgov.svcTlsFiles" . | fromYamlArray }}
{{- if $files }}
- name: dependency-tls
  projected:
    {{- /* 0440: readable by the pod's fsGroup (the service's group), by no one else. */}}
    defaultMode: 0440
    sources:
      {{- range $files }}
      - secret:
          name: {{ .secret }}
          items:
            - key: {{ .key }}
              path: {{ .path }}
      {{- end }}
{{- end }}
{{- end }}

{{- define "appgov.tlsVolumeMount" -}}
{{- if include "appgov.svcTlsFiles" . | fromYamlArray }}
- name: dependency-tls
  mountPath: {{ include "appgov.tlsDir" . }}
  readOnly: true
{{- end }}
{{- end }}

{{/*
Dependency settings of one service's environment (a YAML map merged into appgov.envMap): TLS file
paths, Kafka TLS/SASL and topic management, MIGRATE_ON_START.
*/}}
{{- define "appgov.depsEnv" -}}
{{- $root := .root }}
{{- $v := index $root.Values .svc }}
{{- $k := $root.Values.kafka }}
{{- $deps := include "appgov.svcDeps" . | fromYamlArray }}
{{- $env := dict }}
{{- if has "postgres" $deps }}{{ $_ := set $env "MIGRATE_ON_START" (toString $v.migration.onStart) }}{{ end }}
{{- range include "appgov.svcTlsFiles" . | fromYamlArray }}
{{- $_ := set $env .env (printf "%s/%s" (include "appgov.tlsDir" $) .path) }}
{{- end }}
{{- if has "kafka" $deps }}
{{- $_ := set $env "KAFKA_SSL" (toString $k.tls.enabled) }}
{{- $_ := set $env "KAFKA_MANAGE_TOPICS" (toString $k.manageTopics) }}
{{- with $k.sasl.mechanism }}
{{- if and (eq . "plain") (not $k.tls.enabled) }}
{{- fail "kafka.sasl.mechanism plain sends the password in clear text: set kafka.tls.enabled: true (SASL_SSL)" }}
{{- end }}
{{- $_ := set $env "KAFKA_SASL_MECHANISM" . }}
{{- $user := default $k.sasl.username (get $v.env "KAFKA_SASL_USERNAME") }}
{{- $_ := set $env "KAFKA_SASL_USERNAME" (required (printf "kafka.sasl.username (or %s.env.KAFKA_SASL_USERNAME) is required when kafka.sasl.mechanism is set" $.svc) $user) }}
{{- end }}
{{- if and $k.strimziTopics.enabled $k.manageTopics }}
{{- fail "kafka.strimziTopics.enabled renders the topics for the Topic Operator: set kafka.manageTopics: false so that the services do not create them too" }}
{{- end }}
{{- end }}
{{- toYaml $env }}
{{- end }}

{{/* Secret variables that do not come whole from existingSecret (container env entries). */}}
{{- define "appgov.secretEnv" -}}
{{- $root := .root }}
{{- $sasl := $root.Values.kafka.sasl }}
{{- if and $sasl.mechanism (has "kafka" (include "appgov.svcDeps" . | fromYamlArray)) }}
- name: KAFKA_SASL_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ default (include "appgov.existingSecret" .) $sasl.passwordSecret.name }}
      key: {{ $sasl.passwordSecret.key }}
{{- end }}
{{- end }}

{{/*
Split "host:port", "[v6]:port" or a URL into {host, port}. (dict "endpoint" ... "defaultPort" ...)
*/}}
{{- define "appgov.hostPort" -}}
{{- $e := .endpoint }}
{{- $port := toString (default "" .defaultPort) }}
{{- if contains "://" $e }}
{{- $u := urlParse $e }}
{{- $e = $u.host }}
{{- if not $port }}{{ $port = ternary "443" "80" (eq $u.scheme "https") }}{{ end }}
{{- end }}
{{- $host := $e }}
{{- if regexMatch ":[0-9]+$" $e }}
{{- $port = regexFind "[0-9]+$" $e }}
{{- $host = regexReplaceAll ":[0-9]+$" $e "" }}
{{- end }}
{{- dict "host" (trimAll "[]" $host) "port" (int $port) | toYaml }}
{{- end }}

{{/*
One egress rule to a dependency: its ports, and as peers its CIDRs when given, else what the
names tell: an IP address is itself, "<name>.<namespace>.svc[...]" is that namespace. One name
that tells nothing (an external DNS name) leaves the peers open: any address on those ports.
(dict "endpoints" [host:port or URL...] "cidrs" [...])
*/}}
{{- define "appgov.egressRule" -}}
{{- $ports := list }}
{{- $peers := list }}
{{- $open := false }}
{{- range .endpoints }}
{{- $hp := include "appgov.hostPort" (dict "endpoint" .) | fromYaml }}
{{- $ports = append $ports $hp.port | uniq }}
{{- $labels := splitList "." $hp.host }}
{{- $ns := "" }}
{{- range $i, $l := $labels }}
{{- if and (eq $l "svc") (ge $i 2) (not $ns) }}{{ $ns = index $labels (sub $i 1) }}{{ end }}
{{- end }}
{{- if regexMatch "^[0-9]+(\\.[0-9]+){3}$" $hp.host }}
{{- $peers = append $peers (dict "ipBlock" (dict "cidr" (printf "%s/32" $hp.host))) }}
{{- else if $ns }}
{{- $peers = append $peers (dict "namespaceSelector" (dict "matchLabels" (dict "kubernetes.io/metadata.name" $ns))) }}
{{- else }}
{{- $open = true }}
{{- end }}
{{- end }}
{{- if .cidrs }}
{{- $open = false }}
{{- $peers = list }}
{{- range .cidrs }}{{ $peers = append $peers (dict "ipBlock" (dict "cidr" .)) }}{{ end }}
{{- end }}
{{- $rule := dict }}
{{- if not $open }}{{ $_ := set $rule "to" (uniq $peers) }}{{ end }}
{{- $portList := list }}
{{- range $ports }}{{ $portList = append $portList (dict "port" . "protocol" "TCP") }}{{ end }}
{{- $_ := set $rule "ports" $portList }}
- {{ toYaml $rule | nindent 2 | trim }}
{{- end }}

{{/* Egress rules of one service to its dependencies. (dict root svc) */}}
{{- define "appgov.dependencyEgress" -}}
{{- $root := .root }}
{{- $v := index $root.Values .svc }}
{{- $np := $root.Values.networkPolicy }}
{{- $deps := include "appgov.svcDeps" . | fromYamlArray }}
{{- if has "kafka" $deps }}
{{ include "appgov.egressRule" (dict "endpoints" $root.Values.kafka.brokers "cidrs" $root.Values.kafka.cidrs) }}
{{- end }}
{{- if eq .svc "console" }}
{{ include "appgov.consoleEgress" . }}
{{- end }}
{{- range $dep := list "postgres" "redis" }}
{{- if has $dep $deps }}
{{- $d := index $root.Values $dep }}
{{- if $d.endpoint }}
{{ include "appgov.egressRule" (dict "endpoints" (list $d.endpoint) "cidrs" $d.cidrs) }}
{{- else if not $np.dependencyEgress }}
{{- fail (printf "%s.endpoint is required while networkPolicy.enabled: the host:port of the services' %s (the NetworkPolicy allows egress there), or list the rules yourself in networkPolicy.dependencyEgress, or set networkPolicy.enabled: false" $dep (ternary "DATABASE_URL" "REDIS_URL" (eq $dep "postgres"))) }}
{{- end }}
{{- end }}
{{- end }}
{{- if $v.vault.enabled }}
{{ include "appgov.egressRule" (dict "endpoints" (list $root.Values.vault.addr) "cidrs" $root.Values.vault.cidrs) }}
{{- end }}
{{- with (default $root.Values.telemetry.otlpEndpoint $root.Values.telemetry.otlpTracesEndpoint) }}
{{ include "appgov.egressRule" (dict "endpoints" (list .) "cidrs" (list)) }}
{{- end }}
{{- end }}

{{/*
The console's own egress: this release's services (their "http" port) and the identity provider,
derived from OIDC_ISSUER_URL (an external name: port 443 of any address). (dict root svc)
*/}}
{{- define "appgov.consoleEgress" -}}
- to:
    - podSelector:
        matchLabels:
          app.kubernetes.io/name: {{ include "appgov.name" .root }}
          app.kubernetes.io/instance: {{ .root.Release.Name }}
  ports:
    - port: http
      protocol: TCP
{{- with get (index .root.Values .svc).env "OIDC_ISSUER_URL" }}
{{ include "appgov.egressRule" (dict "endpoints" (list .) "cidrs" (index $.root.Values $.svc).networkPolicy.issuerCidrs) }}
{{- end }}
{{- end }}
