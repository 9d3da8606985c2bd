{{- define "barcode-cloud.labels" -}}
app.kubernetes.io/name: barcode-cloud
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* The servers' pods: what the Deployment and the Service select, and not the migrate Job's pods. */}}
{{- define "barcode-cloud.serverLabels" -}}
{{ include "barcode-cloud.labels" . }}
app.kubernetes.io/component: server
{{- end }}

{{- define "barcode-cloud.env" -}}
- name: BARCODE_CLOUD_DATABASE_URL
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecret }}
      key: {{ .Values.secretKeys.databaseUrl }}
- name: BARCODE_CLOUD_KEY_ENCRYPTION_KEY
  valueFrom:
    secretKeyRef:
      name: {{ .Values.existingSecret }}
      key: {{ .Values.secretKeys.keyEncryptionKey }}
{{- end }}
