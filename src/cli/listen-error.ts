// Why a server could not listen on host:port: a busy port, a privileged port, an address this host does not have.

/** What stopped a server from listening. */
export type ListenProblem = "in_use" | "privileged" | "foreign_address";

/** Each problem in words, after "host:port": "127.0.0.1:9464 is already in use". */
export const LISTEN_WORDS: Readonly<Record<ListenProblem, string>> = {
  in_use: "is already in use",
  privileged: "needs privileges",
  foreign_address: "is not an address of this host",
};

/** The problem behind a listen error (EADDRINUSE, EACCES, EADDRNOTAVAIL); null for any other error. */
export function listenProblem(err: unknown): ListenProblem | null {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === "EADDRINUSE") return "in_use";
  if (code === "EACCES") return "privileged";
  if (code === "EADDRNOTAVAIL") return "foreign_address";
  return null;
}
