// The simulated Fivetran API: account, faults, HTTP server and scripted scenarios.
export { SimAccount, type SimAccountOptions, type SimNotice, type CorruptKind } from "./account.js";
export { SimFaults, type Fault } from "./faults.js";
export { startSimulator, SimStats, type Simulator, type SimulatorOptions } from "./server.js";
export { demoScenario, runScenario, type ScenarioStep, type RunScenarioOptions } from "./scenario.js";
export { seededRandom } from "./random.js";
export { SimPusher, PushFaults, eventsFor, eventPayload, postSigned, type PushTarget, type SimEvent } from "./push.js";
export { SimWebhooks } from "./webhooks.js";
export type { SimChange } from "./account.js";
