// The process-level I/O a command uses; tests and the demo swap it.

/** Process-level I/O the commands use; tests and the demo swap them. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  env: Record<string, string | undefined>;
}
