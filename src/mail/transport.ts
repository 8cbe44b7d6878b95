/**
 * Handing messages over: nodemailer over SMTP (`SMTP_URL`), or, without one, `.eml` files in the outbox folder
 * so that a demo instance works offline. Also decides what a failure means for the message and the address.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type NodemailerError, type SendMailOptions } from 'nodemailer';
import type { MailConfig } from '../config.js';

export interface OutgoingMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable per send-log row, so a message resent after a crash is recognisably the same one. */
  messageId: string;
  /** Set on list mail (digests): the one-click unsubscribe URL of RFC 8058, and the list's id (RFC 2919). */
  list?: { unsubscribeUrl: string; id: string; name: string };
}

export interface MailTransport {
  /** Resolves with the server's reply (or the file written); rejects with the transport's error. */
  send(message: OutgoingMessage): Promise<string>;
  close(): void;
  /** Where mail goes, for logs: `smtp://host:port` (no credentials) or the outbox folder. */
  readonly description: string;
}

export function createMailTransport(config: MailConfig): MailTransport {
  return config.smtpUrl ? smtpTransport(config) : outboxTransport(config);
}

function mailOptions(from: string, message: OutgoingMessage): SendMailOptions {
  const options: SendMailOptions = {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    messageId: message.messageId,
    // Out-of-office replies to a digest help nobody.
    headers: { 'X-Auto-Response-Suppress': 'OOF, AutoReply' },
  };
  if (message.list) {
    options.list = {
      id: { url: message.list.id, comment: message.list.name },
      unsubscribe: { url: message.list.unsubscribeUrl, comment: 'Unsubscribe' },
    };
    // RFC 8058: the mail client may POST `List-Unsubscribe=One-Click` to the URL, without opening a page.
    options.headers = { ...options.headers, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }
  return options;
}

function smtpTransport(config: MailConfig): MailTransport {
  const url = new URL(config.smtpUrl ?? '');
  const transporter = nodemailer.createTransport({
    url: url.href,
    // One connection kept open and reused: digests go out one after another, in send-log order.
    pool: true,
    maxConnections: 1,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  });
  return {
    description: `${url.protocol}//${url.host}`,
    async send(message) {
      const info = await transporter.sendMail(mailOptions(config.from, message));
      return String(info.response ?? 'accepted');
    },
    close: () => transporter.close(),
  };
}

function outboxTransport(config: MailConfig): MailTransport {
  const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    description: `outbox folder ${config.outboxDir}`,
    async send(message) {
      const info = await composer.sendMail(mailOptions(config.from, message));
      await mkdir(config.outboxDir, { recursive: true });
      // Named after the Message-ID: a message written again after a crash replaces its first copy.
      const file = join(config.outboxDir, `${message.messageId.replace(/[^A-Za-z0-9.@_-]+/g, '')}.eml`);
      await writeFile(`${file}.tmp`, info.message as Buffer);
      await rename(`${file}.tmp`, file);
      return `written to ${file}`;
    },
    close: () => composer.close(),
  };
}

/**
 * temporary: try this message again later (4xx, greylisting). unreachable: the server itself cannot be reached
 * or is closing (connection refused, timeout, 421), so every message would fail alike: pause sending.
 * bounce: the address is refused for good (5xx to RCPT TO). rejected: this message is refused for good (5xx
 * after DATA), the address may be fine. fatal: our own configuration is wrong (authentication, sender refused,
 * outbox not writable): stop the run and keep everything queued.
 */
export type FailureKind = 'temporary' | 'unreachable' | 'bounce' | 'rejected' | 'fatal';

export interface SendFailure {
  kind: FailureKind;
  reason: string;
}

const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ESOCKET',
  'ETIMEDOUT',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
]);
const CONFIGURATION_CODES = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2', 'ECONFIG', 'ETLS', 'EREQUIRETLS']);
// Enhanced status codes (RFC 3463) that name the mailbox: 5.1.x bad address, 5.2.1 mailbox disabled.
const MAILBOX_STATUS = /\b5\.(1\.\d{1,3}|2\.1)\b/;

export function classifySendFailure(err: unknown): SendFailure {
  const e = (err ?? {}) as Partial<NodemailerError>;
  const reason = oneLine(e.response ?? e.message ?? String(err));
  const code = e.code ?? '';
  if (CONFIGURATION_CODES.has(code)) return { kind: 'fatal', reason };
  if (typeof e.responseCode === 'number') {
    if (e.responseCode === 421) return { kind: 'unreachable', reason };
    if (e.permanent !== true) return { kind: 'temporary', reason };
    if (e.command === 'RCPT TO') return { kind: 'bounce', reason };
    if (e.command === 'DATA') return { kind: MAILBOX_STATUS.test(reason) ? 'bounce' : 'rejected', reason };
    // A permanent refusal of MAIL FROM or AUTH is about our account, not about this recipient.
    return { kind: 'fatal', reason };
  }
  if (CONNECTION_CODES.has(code) || CONNECTION_CODES.has(e.originalCode ?? ''))
    return { kind: 'unreachable', reason };
  // File-system errors of the outbox (permissions, disk full) need an operator.
  if (typeof e.syscall === 'string') return { kind: 'fatal', reason };
  return { kind: 'temporary', reason };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 500);
}
