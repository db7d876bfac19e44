// The public face of src/metrics: the Metrics collector, the HTTP server and the metric names.
export { Metrics, type MetricsOptions } from "./metrics.js";
export { WebhookMetrics, type WebhookEventOutcome } from "./webhooks.js";
export { startHttpServer, type HttpServer, type HttpServerOptions } from "./server.js";
export { connectionFamilies, type MetricsView, type BuildOptions } from "./connection-families.js";
export { escapeLabelValue } from "./exposition.js";
export * as metricNames from "./names.js";
