// Zod field types shared by the config schema and the channels' own config schemas.
import * as z from "zod";

/** A whole number above 0. */
export const positiveInt = z.number().int().positive();
/** A whole number, 0 or more. */
export const nonNegInt = z.number().int().nonnegative();
/** An http:// or https:// URL. */
export const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });
