{{/*
Expand the name of the chart.
*/}}
{{- define "syncwatch.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Create a default fully qualified app name (63 characters at most, the DNS label limit).
If the release name contains the chart name it is used as the full name.
*/}}
{{- define "syncwatch.fullname" -}}
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

{{/*
Chart name and version as used by the chart label.
*/}}
{{- define "syncwatch.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Namespace of every resource.
*/}}
{{- define "syncwatch.namespace" -}}
{{- default .Release.Namespace .Values.namespaceOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "syncwatch.labels" -}}
helm.sh/chart: {{ include "syncwatch.chart" . }}
{{ include "syncwatch.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: syncwatch
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "syncwatch.selectorLabels" -}}
app.kubernetes.io/name: {{ include "syncwatch.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Name of the ServiceAccount to use.
*/}}
{{- define "syncwatch.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "syncwatch.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Name of the Secret holding the credentials (the chart's or secret.existingSecret).
*/}}
{{- define "syncwatch.secretName" -}}
{{- if .Values.secret.existingSecret }}
{{- tpl .Values.secret.existingSecret . }}
{{- else }}
{{- include "syncwatch.fullname" . }}
{{- end }}
{{- end }}

{{/*
Name of the PersistentVolumeClaim holding /data (the chart's or persistence.existingClaim).
*/}}
{{- define "syncwatch.claimName" -}}
{{- if .Values.persistence.existingClaim }}
{{- tpl .Values.persistence.existingClaim . }}
{{- else }}
{{- include "syncwatch.fullname" . }}
{{- end }}
{{- end }}

{{/*
Container image reference: repository:tag, or repository@digest when a digest is given.
*/}}
{{- define "syncwatch.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Port of the metrics server, from the syncwatch config (default 9464).
*/}}
{{- define "syncwatch.port" -}}
{{- $server := .Values.config.server | default (dict) }}
{{- $server.port | default 9464 | int }}
{{- end }}
