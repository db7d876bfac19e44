// The status page and JSON API's public face.
export { createWebHandler, type WebHandlerOptions } from "./handler.js";
export { StatusView, defaultConnectionUrl, type AlertView, type CycleInfo, type HeldReason, type ViewInput } from "./view.js";
export { alertJson, type AlertJson } from "./api.js";
export { StatusViews, silencedAt, type StatusViewsOptions, type PublishedLike } from "./publish.js";
