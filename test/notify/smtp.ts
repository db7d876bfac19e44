// A real SMTP server (smtp-server) on 127.0.0.1 that records messages and can refuse or hang on purpose.
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from "smtp-server";

/** How the server answers the next message's data. */
export type SmtpReply = "accept" | "hang" | { code: number; message: string };

/** A delivered message, with its decoded parts. */
export interface Delivered {
  raw: string;
  subject: string;
  text: string;
  html: string;
  from: string;
  to: string[];
}

/** A recording SMTP server. */
export interface SmtpReceiver {
  port: number;
  /** `smtp://user:password@127.0.0.1:port` with this receiver's credentials. */
  url: string;
  password: string;
  delivered: Delivered[];
  replies: SmtpReply[];
  fallback: SmtpReply;
  onData: (() => void) | null;
  close(): Promise<void>;
}

/** Starts an SMTP server with AUTH (user `alerts`, password below) and no STARTTLS. */
export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const password = "s3cret-Pa55word";
  const r: SmtpReceiver = {
    port: 0,
    url: "",
    password,
    delivered: [],
    replies: [],
    fallback: "accept",
    onData: null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === "alerts" && auth.password === password) cb(null, { user: "alerts" });
      else cb(Object.assign(new Error("Invalid username or password"), { responseCode: 535 }));
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        r.onData?.();
        const reply = r.replies.length > 0 ? r.replies.shift()! : r.fallback;
        if (reply === "hang") return;
        if (reply !== "accept") {
          cb(Object.assign(new Error(reply.message), { responseCode: reply.code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        r.delivered.push({
          raw,
          ...decodeMessage(raw),
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((a) => a.address),
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  r.port = (server.server.address() as AddressInfo).port;
  r.url = `smtp://alerts:${password}@127.0.0.1:${r.port}`;
  return r;
}

/** Splits a MIME message into subject, text and HTML (decoding quoted-printable and base64). */
function decodeMessage(raw: string): { subject: string; text: string; html: string } {
  const [head = ""] = raw.split(/\r?\n\r?\n/, 1);
  const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/im.exec(head)?.[1]?.replace(/\r?\n[ \t]/g, " ") ?? "";
  const part = (type: string): string => {
    const re = new RegExp(`Content-Type: ${type}[^]*?\\r?\\n\\r?\\n([^]*?)\\r?\\n--`, "i");
    const m = re.exec(raw);
    if (!m) return "";
    const headers = raw.slice(m.index, m.index + m[0].length - (m[1]?.length ?? 0));
    const body = m[1] ?? "";
    if (/Content-Transfer-Encoding: base64/i.test(headers)) return Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8");
    if (/Content-Transfer-Encoding: quoted-printable/i.test(headers)) return decodeQp(body);
    return body;
  };
  return { subject, text: part("text/plain"), html: part("text/html") };
}

function decodeQp(s: string): string {
  const joined = s.replace(/=\r?\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const ch = joined[i]!;
    if (ch === "=" && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(ch, "utf8"));
    }
  }
  return Buffer.from(bytes).toString("utf8").replace(/\r\n/g, "\n");
}
