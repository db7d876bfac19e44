// The Fivetran webhook input (SPEC section 4a): signature check, receiver, coalesced reads, install plans.
export { SIGNATURE_HEADER, checkSignature, signBody, type SignatureProblem } from "./signature.js";
export { parseEvent, actionOf, eventLabel, MalformedEvent, SUBSCRIBED_EVENTS, TEST_EVENT, type WebhookEvent, type EventAction } from "./event.js";
export { RecentDeliveries } from "./dedup.js";
export { ReadCoalescer, type ReadOutcome, type PushResult, type Schedule, type CoalescerOptions } from "./coalescer.js";
export { startWebhookReceiver, WEBHOOK_PATH, type WebhookReceiver, type ReceiverOptions, type RejectReason } from "./receiver.js";
export { planInstall, matchingWebhooks, activeFlags, type InstallPlan, type WantedWebhook } from "./install.js";
export { startPushInput, type PushInput, type PushInputDeps, type PushMetrics } from "./service.js";
