import { type Command, Option } from 'commander';
import { loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { issueFor } from '../mail/calendar.js';
import { MailConfigurationError } from '../mail/deliver.js';
import { planDigest, type PlannedDigest, sendDigest } from '../mail/digest.js';
import { DigestRenderer } from '../mail/render.js';
import { DIGEST_KINDS, type DigestKind } from '../mail/topics.js';
import { createMailTransport } from '../mail/transport.js';
import { JobBusyError } from '../ops/lease.js';
import { openStore } from '../store/open.js';
import { isValidDay } from '../web/feed-period.js';
import { UsageError } from './main.js';

interface SendOptions {
  kind: DigestKind;
  dryRun?: boolean;
  date?: string;
}

const SAMPLE = 5;

export function registerDigest(program: Command): void {
  const digest = program
    .command('digest')
    .description('Email digests: daily and weekly trending papers, alerts, personal recommendations');
  digest
    .command('send')
    .description(
      'Send one issue of a digest to every confirmed subscriber who has something new. Safe to run again: ' +
        'an issue already sent sends nothing more, an interrupted one sends the rest. Mail goes to SMTP_URL, ' +
        'else into PAPERBOY_OUTBOX as .eml files.',
    )
    .addOption(new Option('--kind <kind>', 'which digest').choices([...DIGEST_KINDS]).makeOptionMandatory())
    .option('--dry-run', 'show who would get what, and send nothing')
    .option(
      '--date <YYYY-MM-DD>',
      'the day (for weekly and personal: any day of the week) the issue is for (default: today, UTC)',
    )
    .action(async (options: SendOptions) => {
      if (options.date !== undefined && !isValidDay(options.date)) {
        throw new UsageError(
          `--date must be a date written YYYY-MM-DD, e.g. 2026-03-12 (got "${options.date}")`,
        );
      }
      const date = options.date ? new Date(`${options.date}T12:00:00Z`) : new Date();
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const store = openStore(config);
      const transport = createMailTransport(config.mail);
      const ctx = { store, config, logger, transport };
      try {
        if (options.dryRun) {
          const issue = issueFor(options.kind, date);
          const sample: PlannedDigest[] = [];
          const plan = await planDigest(ctx, options.kind, issue, {
            reserve: false,
            onDigest: (d) => void (sample.length < SAMPLE && sample.push(d)),
          });
          const renderer = new DigestRenderer(config.baseUrl);
          console.log(
            `Dry run of ${issue}: ${plan.planned} digest${plan.planned === 1 ? '' : 's'} would be sent ` +
              `(${plan.empty} subscriber${plan.empty === 1 ? ' has' : 's have'} nothing new). Nothing was sent.`,
          );
          for (const d of sample) {
            const mail = renderer.render({
              kind: options.kind,
              issue,
              sections: d.sections,
              email: d.email,
              manageUrl: '',
              unsubscribeUrl: '',
            });
            const papers = d.sections.reduce((n, s) => n + s.papers.length, 0);
            console.log(`  ${d.email}: ${papers} paper${papers === 1 ? '' : 's'} — ${mail.subject}`);
          }
          return;
        }
        const result = await sendDigest(ctx, { kind: options.kind, date });
        const d = result.delivery;
        console.log(
          `${result.issue}: ${result.planned} new digest${result.planned === 1 ? '' : 's'} planned; ` +
            `${d.sent} sent, ${d.bounced} bounced, ${d.failed} failed, ${d.skipped} skipped` +
            `${d.inDoubt ? `, ${d.inDoubt} resent after an interrupted run` : ''}` +
            `${d.deferred ? `; ${d.deferred} deferred after temporary failures — run again to retry` : ''}.`,
        );
        if (d.deferred > 0 || d.failed > 0) process.exitCode = 1;
      } catch (err) {
        if (err instanceof JobBusyError || err instanceof MailConfigurationError)
          throw new UsageError(err.message);
        throw err;
      } finally {
        transport.close();
        await store.close();
      }
    });
}
