// Zod field types shared by the config schema and the channels' own config schemas.
import * as z from "zod";

/** A whole number above 0. */
export const positiveInt = z.number().int().positive();
/** A whole number, 0 or more. */
export const nonNegInt = z.number().int().nonnegative();
/** An http:// or https:// URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

/** Which alerts a route, a silence, an override or a channel applies to; every given field must match. */
export const matcherSchema = z
  .strictObject({
    connection_id: z.array(z.string()).optional(),
    group_id: z.array(z.string()).optional(),
    service: z.array(z.string()).optional(),
    schema: z.array(z.string()).optional(),
    /** Exact condition names, or patterns ending in `*` such as `warning:*` or `warn*`. */
    condition: z.array(z.string()).optional(),
    severity: z.array(z.enum(["critical", "warning"])).optional(),
  })
  .default({});

/** A matcher as written in the config. */
export type Matcher = z.infer<typeof matcherSchema>;
