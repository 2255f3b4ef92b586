{{/*
Objects at the edge of one service: Ingress, NetworkPolicy, ServiceMonitor, migration Job and
helm test Pod. Called as (dict "root" $ "svc" "<values key>").
*/}}

{{- define "appgov.ingress" -}}
{{- $v := index .root.Values .svc }}
{{- if and $v.enabled $v.ingress.enabled }}
{{- $name := include "appgov.svcFullname" . }}
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {{ $name }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
  {{- with $v.ingress.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  {{- with $v.ingress.className }}
  ingressClassName: {{ . }}
  {{- end }}
  {{- with $v.ingress.tls }}
  tls:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  rules:
    {{- range required (printf "%s.ingress.hosts must list at least one host when the ingress is enabled" .svc) $v.ingress.hosts }}
    - host: {{ .host | quote }}
      http:
        paths:
          {{- range .paths }}
          {{- /* The schema says the same; this holds with --skip-schema-validation too. */}}
          {{- if not (regexMatch "^/v1/[a-z0-9][a-z0-9/-]*$" .path) }}
          {{- fail (printf "%s.ingress: path %q is not under /v1/: only the public API may be exposed (never /metrics, /readyz, /docs)" $.svc .path) }}
          {{- end }}
          - path: {{ .path }}
            pathType: {{ .pathType }}
            backend:
              service:
                name: {{ $name }}
                port:
                  name: http
          {{- end }}
    {{- end }}
{{- end }}
{{- end }}

{{- define "appgov.networkpolicy" -}}
{{- $v := index .root.Values .svc }}
{{- $np := .root.Values.networkPolicy }}
{{- if and $v.enabled $np.enabled }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "appgov.svcFullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "appgov.selectorLabels" . | nindent 6 }}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    {{- /* Pods of this release (other services, helm test pods) and the metrics scraper. */}}
    - from:
        - podSelector:
            matchLabels:
              app.kubernetes.io/name: {{ include "appgov.name" .root }}
              app.kubernetes.io/instance: {{ .root.Release.Name }}
        {{- with $np.metricsNamespaceSelector }}
        - namespaceSelector:
            {{- toYaml . | nindent 12 }}
        {{- end }}
      ports:
        - port: http
          protocol: TCP
    {{- if $v.ingress.enabled }}
    - from:
        - namespaceSelector:
            {{- toYaml $np.ingressControllerNamespaceSelector | nindent 12 }}
      ports:
        - port: http
          protocol: TCP
    {{- end }}
    {{- with $v.networkPolicy.extraIngress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  egress:
    {{- /* DNS. */}}
    - to:
        - namespaceSelector: {}
          podSelector:
            matchLabels:
              k8s-app: kube-dns
      ports:
        - port: 53
          protocol: UDP
        - port: 53
          protocol: TCP
    {{- /* Kafka, PostgreSQL, Redis, Vault, the OTLP collector: derived from their endpoints,
    plus what the operator lists. */}}
    {{- include "appgov.dependencyEgress" . | trim | nindent 4 }}
    {{- with $np.dependencyEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- with $v.networkPolicy.extraEgress }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- if $v.networkPolicy.allowExternalEgress }}
    {{- /* Okta orgs (and SMTP relays) are on the internet at addresses no one can list in advance. */}}
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except:
              {{- toYaml $np.privateCidrs | nindent 14 }}
    {{- end }}
{{- end }}
{{- end }}

{{- define "appgov.serviceMonitorEnabled" -}}
{{- $sm := .Values.metrics.serviceMonitor }}
{{- if and $sm.enabled (or (.Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor") $sm.skipCapabilitiesCheck) }}true{{ end }}
{{- end }}

{{- define "appgov.servicemonitor" -}}
{{- $v := index .root.Values .svc }}
{{- $sm := .root.Values.metrics.serviceMonitor }}
{{- if and $v.enabled (include "appgov.serviceMonitorEnabled" .root) }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: {{ include "appgov.svcFullname" . }}
  namespace: {{ default .root.Release.Namespace $sm.namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
    {{- with $sm.labels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  namespaceSelector:
    matchNames:
      - {{ .root.Release.Namespace }}
  selector:
    matchLabels:
      {{- include "appgov.selectorLabels" . | nindent 6 }}
  endpoints:
    - port: http
      path: /metrics
      {{- /* The services label every series service="<name>-service" (libs/telemetry); without
      honorLabels the operator's own `service` target label would rename it to exported_service. */}}
      honorLabels: true
      interval: {{ $sm.interval }}
      scrapeTimeout: {{ $sm.scrapeTimeout }}
      {{- with $sm.relabelings }}
      relabelings:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}

{{/*
One migration Job per service, run before install and before every upgrade so that new code never
meets an old schema. The service's ConfigMap and ServiceAccount do not exist yet when a
pre-install hook runs, so the Job inlines its environment and mounts no token (migrations only
need DATABASE_URL from the existing Secret).
*/}}
{{- define "appgov.migrationJob" -}}
{{- $v := index .root.Values .svc }}
{{- if and $v.enabled $v.migration.enabled }}
apiVersion: batch/v1
kind: Job
metadata:
  name: {{ include "appgov.svcFullname" . }}-migrate
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.auxLabels" (dict "root" .root "svc" .svc "role" "migrate") | nindent 4 }}
  annotations:
    helm.sh/hook: pre-install,pre-upgrade
    helm.sh/hook-weight: "-5"
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  backoffLimit: {{ $v.migration.backoffLimit }}
  activeDeadlineSeconds: {{ $v.migration.activeDeadlineSeconds }}
  ttlSecondsAfterFinished: 86400
  template:
    metadata:
      labels:
        {{- include "appgov.auxLabels" (dict "root" .root "svc" .svc "role" "migrate") | nindent 8 }}
    spec:
      restartPolicy: Never
      automountServiceAccountToken: false
      {{- with .root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      containers:
        - name: migrate
          image: {{ include "appgov.image" . }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          command: ["node", "dist/src/migrate.js"]
          {{- /* The service's configuration loads whole, so the runtime Secret comes along;
          DATABASE_URL (an env entry wins over envFrom) is the migration role's. */}}
          env:
            {{- range $k, $val := include "appgov.envMap" . | fromYaml }}
            - name: {{ $k }}
              value: {{ $val | quote }}
            {{- end }}
            {{- include "appgov.secretEnv" . | nindent 12 }}
            {{- $runtimeRole := default .root.Values.postgres.runtimeRole $v.migration.runtimeRole }}
            {{- if $runtimeRole }}
            - name: DATABASE_RUNTIME_ROLE
              value: {{ $runtimeRole | quote }}
            {{- else if ne $v.migration.existingSecret $v.existingSecret }}
            {{- fail (printf "postgres.runtimeRole (or %s.migration.runtimeRole) is required: the role of %s.existingSecret's DATABASE_URL, which the migration role grants row access (DATABASE_RUNTIME_ROLE)" .svc .svc) }}
            {{- end }}
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {{ required (printf "%s.migration.existingSecret is required while %s.migration.enabled: the Secret with the DATABASE_URL of the migration role (the runtime role of existingSecret cannot change the schema)" .svc .svc) $v.migration.existingSecret }}
                  key: {{ $v.migration.databaseUrlKey }}
          envFrom:
            - secretRef:
                name: {{ include "appgov.existingSecret" . }}
          resources:
            {{- toYaml $v.migration.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- include "appgov.tlsVolumeMount" . | nindent 12 }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: {{ $v.tmpSizeLimit }}
        {{- include "appgov.tlsVolume" . | nindent 8 }}
      {{- with $v.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
{{- end }}
{{- end }}

{{/* `helm test`: one Pod per service that asks the service's /healthz through its Service. */}}
{{- define "appgov.testPod" -}}
{{- $v := index .root.Values .svc }}
{{- $t := .root.Values.tests }}
{{- if and $v.enabled $t.enabled }}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "appgov.svcFullname" . }}-test-healthz
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.auxLabels" (dict "root" .root "svc" .svc "role" "test") | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  {{- with .root.Values.global.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $t.podSecurityContext | nindent 4 }}
  containers:
    - name: healthz
      image: {{ printf "%s:%s" $t.image.repository $t.image.tag }}
      imagePullPolicy: {{ $t.image.pullPolicy }}
      command:
        - wget
        - -q
        - -O
        - "-"
        - -T
        - "10"
        - http://{{ include "appgov.svcFullname" . }}.{{ .root.Release.Namespace }}.svc:{{ $v.service.port }}/healthz
      resources:
        {{- toYaml $t.resources | nindent 8 }}
      securityContext:
        {{- toYaml $t.securityContext | nindent 8 }}
{{- end }}
{{- end }}
