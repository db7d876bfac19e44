// `syncwatch simulate`: only the simulated Fivetran API, on a given port, until SIGTERM or SIGINT.
import type { Command } from "../cli/command.js";
import { intOption, stringOption } from "../cli/args.js";
import { EXIT } from "../cli/exit-codes.js";
import { listenProblem } from "../cli/listen-error.js";
import { UsageError } from "../errors.js";

/** `syncwatch simulate`. */
export const simulateCommand: Command = {
  name: "simulate",
  summary: "run only the simulated Fivetran API",
  options: {
    port: { type: "string", value: "N", help: "port to listen on (default 8181)" },
    host: { type: "string", value: "ADDR", help: "address to listen on (default 127.0.0.1)" },
    connections: { type: "string", value: "N", help: "connections in the simulated account (default 500)" },
    groups: { type: "string", value: "N", help: "groups they are spread over (default 10)" },
    seed: { type: "string", value: "N", help: "seed of the generated account (default 1)" },
    broken: { type: "string", value: "N", help: "connections broken from the start (default 0)" },
    "latency-ms": { type: "string", value: "N", help: "delay added to every response (default 0)" },
    scenario: { type: "string", value: "demo|none", help: "scripted incident timeline to play (default none)" },
    "api-key": { type: "string", value: "KEY", help: "accepted API key (default FIVETRAN_API_KEY, else demo)" },
    "api-secret": { type: "string", value: "SECRET", help: "accepted API secret (default FIVETRAN_API_SECRET, else demo-secret)" },
    "push-url": { type: "string", value: "URL", help: "send signed webhook events for scripted changes to this receiver" },
    "push-secret": { type: "string", value: "SECRET", help: "the secret they are signed with (default FIVETRAN_WEBHOOK_SECRET)" },
  },
  details: "Control API: GET /_sim/truth, POST /_sim/actions, POST /_sim/faults, POST /_sim/webhooks. Stops on SIGTERM or SIGINT.",
  async run({ values: v }, io) {
    // The simulator is loaded only by the commands that use it: `run` and `once` start faster without it.
    const { SimAccount, runScenario, demoScenario, startSimulator } = await import("../simulator/index.js");
    const scenario = stringOption(v, "scenario") ?? "none";
    if (scenario !== "none" && scenario !== "demo") throw new UsageError(`--scenario: expected demo or none, got "${scenario}"`);
    const connections = intOption(v, "connections", 500, 1);
    const account = new SimAccount({
      connections,
      groups: intOption(v, "groups", 10, 1),
      seed: intOption(v, "seed", 1),
      brokenFraction: intOption(v, "broken", 0) / connections,
    });
    const apiKey = stringOption(v, "api-key") ?? io.env.FIVETRAN_API_KEY ?? "demo";
    const apiSecret = stringOption(v, "api-secret") ?? io.env.FIVETRAN_API_SECRET ?? "demo-secret";
    const pushUrl = stringOption(v, "push-url");
    const pushSecret = stringOption(v, "push-secret") ?? io.env.FIVETRAN_WEBHOOK_SECRET;
    if (pushUrl !== undefined && !pushSecret) throw new UsageError("--push-url needs --push-secret (or FIVETRAN_WEBHOOK_SECRET)");
    const host = stringOption(v, "host") ?? "127.0.0.1";
    const port = intOption(v, "port", 8181);
    const push = pushUrl !== undefined && pushSecret ? { url: pushUrl, secret: pushSecret } : undefined;
    let sim: Awaited<ReturnType<typeof startSimulator>>;
    try {
      sim = await startSimulator({ account, host, port, apiKey, apiSecret, push });
    } catch (err) {
      const problem = listenProblem(err);
      if (problem === "in_use") throw new UsageError(`--port: port ${port} is in use on ${host}; choose another with --port`);
      if (problem === "privileged") throw new UsageError(`--port: port ${port} on ${host} needs privileges; choose one above 1023 with --port`);
      if (problem === "foreign_address") throw new UsageError(`--host: ${host} is not an address of this host`);
      throw err;
    }
    const latency = intOption(v, "latency-ms", 0);
    if (latency > 0) sim.faults.setLatency(latency);
    io.out(`Simulated Fivetran API with ${connections} connections at ${sim.url}`);
    // The simulator's built-in credentials are not secrets; a secret given on the command line is not echoed.
    const shownSecret = v["api-secret"] === undefined && io.env.FIVETRAN_API_SECRET === undefined ? apiSecret : "<your --api-secret>";
    io.out(`Try: FIVETRAN_API_URL=${sim.url} FIVETRAN_API_KEY=${apiKey} FIVETRAN_API_SECRET=${shownSecret} npx syncwatch once`);
    io.out(`Control API: ${sim.url}/_sim/truth, POST ${sim.url}/_sim/actions, POST ${sim.url}/_sim/faults`);
    const stopScenario = scenario === "demo" ? runScenario(account, demoScenario(account), { onStep: (s) => io.out(`[scenario] ${s.note}`) }) : () => undefined;
    await new Promise<void>((resolve) => {
      process.once("SIGTERM", () => resolve());
      process.once("SIGINT", () => resolve());
    });
    stopScenario();
    await sim.close();
    return EXIT.ok;
  },
};
