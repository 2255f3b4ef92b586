{{/*
Workload objects of one service: ConfigMap, Deployment, ServiceAccount, Service, HPA, PDB.
Called as (dict "root" $ "svc" "<values key>").
*/}}

{{- define "appgov.configmap" -}}
{{- $v := index .root.Values .svc }}
{{- if $v.enabled }}
apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "appgov.svcFullname" . }}-env
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
data:
  {{- include "appgov.envMap" . | nindent 2 }}
{{- end }}
{{- end }}

{{- define "appgov.serviceaccount" -}}
{{- $v := index .root.Values .svc }}
{{- if and $v.enabled $v.serviceAccount.create }}
apiVersion: v1
kind: ServiceAccount
metadata:
  name: {{ include "appgov.serviceAccountName" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
  {{- with $v.serviceAccount.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- /* The pod spec decides whether the token is mounted; see appgov.deployment. */}}
automountServiceAccountToken: false
{{- end }}
{{- end }}

{{/* Seconds of the preStop delay, or nothing when off. (dict root svc) */}}
{{- define "appgov.preStopSeconds" -}}
{{- $v := index .root.Values .svc }}
{{- if $v.preStop.enabled }}
{{- $r := $v.probes.readiness }}
{{- $d := $v.preStop.delaySeconds }}
{{- if kindIs "invalid" $d }}{{ $d = mul $r.periodSeconds $r.failureThreshold }}{{ end }}
{{- if gt (int $d) 0 }}{{ int $d }}{{ end }}
{{- end }}
{{- end }}

{{/* terminationGracePeriodSeconds, checked to leave time after the preStop delay. */}}
{{- define "appgov.terminationGracePeriod" -}}
{{- $v := index .root.Values .svc }}
{{- $grace := int $v.terminationGracePeriodSeconds }}
{{- $delay := int (default 0 (include "appgov.preStopSeconds" .)) }}
{{- if le $grace $delay }}
{{- fail (printf "%s.terminationGracePeriodSeconds (%d) must exceed the preStop delay (%d s: %s.preStop.delaySeconds, or readiness periodSeconds × failureThreshold), or the service is killed before it drains" .svc $grace $delay .svc) }}
{{- end }}
{{- $grace }}
{{- end }}

{{- define "appgov.probe" -}}
{{- $p := .probe -}}
httpGet:
  path: {{ .path }}
  port: http
initialDelaySeconds: {{ $p.initialDelaySeconds }}
periodSeconds: {{ $p.periodSeconds }}
timeoutSeconds: {{ $p.timeoutSeconds }}
failureThreshold: {{ $p.failureThreshold }}
successThreshold: {{ $p.successThreshold }}
{{- end }}

{{- define "appgov.deployment" -}}
{{- $v := index .root.Values .svc }}
{{- if $v.enabled }}
{{- $automount := include "appgov.usesVaultK8sAuth" . | eq "true" }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "appgov.svcFullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
spec:
  {{- if not $v.autoscaling.enabled }}
  replicas: {{ $v.replicaCount }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "appgov.selectorLabels" . | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "appgov.labels" . | nindent 8 }}
        {{- with $v.podLabels }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include "appgov.envMap" . | sha256sum }}
        {{- with $v.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "appgov.serviceAccountName" . }}
      {{- /* Only services that log in to Vault with Kubernetes auth get a token. */}}
      automountServiceAccountToken: {{ $automount }}
      {{- with .root.Values.global.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $v.priorityClassName }}
      priorityClassName: {{ . }}
      {{- end }}
      securityContext:
        {{- toYaml $v.podSecurityContext | nindent 8 }}
      {{- /* Long enough for close-with-grace to drain HTTP, stop consumers and commit offsets. */}}
      terminationGracePeriodSeconds: {{ include "appgov.terminationGracePeriod" . }}
      containers:
        - name: {{ include "appgov.component" . }}
          image: {{ include "appgov.image" . }}
          imagePullPolicy: {{ $v.image.pullPolicy }}
          command: ["node", "dist/src/server.js"]
          ports:
            - name: http
              containerPort: {{ $v.containerPort }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "appgov.svcFullname" . }}-env
            - secretRef:
                name: {{ include "appgov.existingSecret" . }}
          {{- $secretEnv := include "appgov.secretEnv" . }}
          {{- if or $secretEnv $v.extraEnv }}
          env:
            {{- with $secretEnv }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- with $v.extraEnv }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          {{- end }}
          {{- if $v.probes.startup.enabled }}
          startupProbe:
            {{- include "appgov.probe" (dict "probe" $v.probes.startup "path" "/healthz") | nindent 12 }}
          {{- end }}
          {{- if $v.probes.liveness.enabled }}
          livenessProbe:
            {{- include "appgov.probe" (dict "probe" $v.probes.liveness "path" "/healthz") | nindent 12 }}
          {{- end }}
          {{- if $v.probes.readiness.enabled }}
          readinessProbe:
            {{- include "appgov.probe" (dict "probe" $v.probes.readiness "path" "/readyz") | nindent 12 }}
          {{- end }}
          {{- with include "appgov.preStopSeconds" . }}
          lifecycle:
            {{- /* Endpoints and proxies drop a terminating pod only after a while: keep serving
            that long (as long as a failing readiness probe would take) before SIGTERM. */}}
            preStop:
              {{- if semverCompare ">=1.30-0" $.root.Capabilities.KubeVersion.Version }}
              sleep:
                seconds: {{ . }}
              {{- else }}
              exec:
                command: ["node", "-e", "setTimeout(() => {}, {{ mul . 1000 }})"]
              {{- end }}
          {{- end }}
          resources:
            {{- toYaml $v.resources | nindent 12 }}
          securityContext:
            {{- toYaml $v.securityContext | nindent 12 }}
          volumeMounts:
            {{- /* The root filesystem is read-only; Node and its libraries may still write temp files. */}}
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
      {{- with $v.affinity }}
      affinity:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      topologySpreadConstraints:
        {{- if $v.topologySpreadConstraints }}
        {{- toYaml $v.topologySpreadConstraints | nindent 8 }}
        {{- else }}
        {{- /* Soft (ScheduleAnyway): a full node or a single zone must not block a rollout. Only
        pods of the same ReplicaSet count (pod-template-hash), so a rollout spreads too. */}}
        {{- range list "kubernetes.io/hostname" "topology.kubernetes.io/zone" }}
        - maxSkew: 1
          topologyKey: {{ . }}
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              {{- include "appgov.selectorLabels" $ | nindent 14 }}
          matchLabelKeys:
            - pod-template-hash
        {{- end }}
        {{- end }}
{{- end }}
{{- end }}

{{- define "appgov.service" -}}
{{- $v := index .root.Values .svc }}
{{- if $v.enabled }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "appgov.svcFullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
  {{- with $v.service.annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ $v.service.type }}
  selector:
    {{- include "appgov.selectorLabels" . | nindent 4 }}
  ports:
    - name: http
      port: {{ $v.service.port }}
      targetPort: http
      protocol: TCP
{{- end }}
{{- end }}

{{- define "appgov.hpa" -}}
{{- $v := index .root.Values .svc }}
{{- if and $v.enabled $v.autoscaling.enabled }}
{{- $a := $v.autoscaling }}
{{- if gt (int $a.minReplicas) (int $a.maxReplicas) }}
{{- fail (printf "%s.autoscaling.minReplicas (%v) exceeds maxReplicas (%v)" .svc $a.minReplicas $a.maxReplicas) }}
{{- end }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "appgov.svcFullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "appgov.svcFullname" . }}
  minReplicas: {{ $a.minReplicas }}
  maxReplicas: {{ $a.maxReplicas }}
  metrics:
    {{- with $a.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
    {{- with $a.targetMemoryUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ . }}
    {{- end }}
  {{- with $a.behavior }}
  behavior:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}
{{- end }}

{{- define "appgov.pdb" -}}
{{- $v := index .root.Values .svc }}
{{- if and $v.enabled $v.pdb.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "appgov.svcFullname" . }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "appgov.labels" . | nindent 4 }}
spec:
  {{- if not (kindIs "invalid" $v.pdb.minAvailable) }}
  minAvailable: {{ $v.pdb.minAvailable }}
  {{- else }}
  maxUnavailable: {{ default 1 $v.pdb.maxUnavailable }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "appgov.selectorLabels" . | nindent 6 }}
{{- end }}
{{- end }}
