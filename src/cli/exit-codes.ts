// The process exit codes of SPEC section 5, shared by every command.

/** Exit codes of SPEC section 5. */
export const EXIT = { ok: 0, firing: 1, badConfig: 2, unreadable: 3 } as const;
