/**
 * A real SMTP server on 127.0.0.1 (the smtp-server package) for mail tests: it speaks SMTP over TCP like any
 * mail server, records every message it accepts, parsed with mailparser, and can be told to refuse
 * recipients with any reply code (451 greylisting, 550 unknown user).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  /** RCPT TO addresses of the SMTP transaction. */
  recipients: string[];
  messageId: string;
  subject: string;
  text: string;
  html: string;
  /** Header values by lower-case name, as they arrived (unfolded). */
  header(name: string): string | undefined;
  parsed: ParsedMail;
  raw: string;
}

/** A reply for a recipient: null accepts it; otherwise the code and text to refuse it with. */
export type RecipientPolicy = (address: string) => { code: number; message: string } | null;

export interface TestSmtpServer {
  readonly port: number;
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Recipients refused so far, with the code they got. */
  readonly refused: { address: string; code: number }[];
  policy: RecipientPolicy;
  /** Called after each accepted message is recorded (and acknowledged). */
  onMessage: ((mail: ReceivedMail) => void) | null;
  /** Resolves once `count` messages arrived in total; rejects after `timeoutMs`. */
  waitForCount(count: number, timeoutMs?: number): Promise<ReceivedMail[]>;
  to(address: string): ReceivedMail[];
  close(): Promise<void>;
}

class SmtpReplyError extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

export async function startSmtpServer(options: { port?: number } = {}): Promise<TestSmtpServer> {
  const received: ReceivedMail[] = [];
  const refused: { address: string; code: number }[] = [];
  const waiters: (() => void)[] = [];
  const state: TestSmtpServer = {
    port: 0,
    url: '',
    received,
    refused,
    policy: () => null,
    onMessage: null,
    waitForCount(count, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          if (received.length < count) return false;
          clearTimeout(timer);
          resolve(received.slice());
          return true;
        };
        const timer = setTimeout(
          () => reject(new Error(`expected ${count} messages, got ${received.length} in ${timeoutMs} ms`)),
          timeoutMs,
        );
        const wake = (): void => {
          if (!check()) waiters.push(wake);
        };
        wake();
      });
    },
    to: (address) => received.filter((m) => m.recipients.includes(address)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // Clients keep pooled connections open; a test that is done should not wait for them.
    closeTimeout: 500,
    onRcptTo(address, _session, callback) {
      const reply = state.policy(address.address);
      if (!reply) return callback();
      refused.push({ address: address.address, code: reply.code });
      callback(new SmtpReplyError(reply.message, reply.code));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw).then(
          (parsed) => {
            const mail: ReceivedMail = {
              recipients: session.envelope.rcptTo.map((r) => r.address),
              messageId: parsed.messageId ?? '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              header: (name) =>
                parsed.headerLines
                  .find((h) => h.key === name.toLowerCase())
                  ?.line.replace(/^[^:]+:\s*/, '')
                  .replace(/\r?\n\s+/g, ' '),
              parsed,
              raw,
            };
            received.push(mail);
            callback();
            state.onMessage?.(mail);
            for (const wake of waiters.splice(0)) wake();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  // A client killed mid-conversation (the crash tests SIGKILL the sender) resets its connection: that is
  // the scenario under test, not a server failure, so resets are expected; anything else fails loudly.
  server.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') throw err;
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  Object.assign(state, { port, url: `smtp://127.0.0.1:${port}` });
  return state;
}

/** A port on 127.0.0.1 that nothing listens on (for "connection refused"), free to listen on later. */
export async function unusedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}
