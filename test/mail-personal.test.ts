/**
 * The personal digest over a real SMTP server: an account that saved masked-diffusion papers subscribes from
 * its recommendations (double opt-in), `paperboy digest send --kind personal` mails it the week's
 * recommended papers with the reason for each, and a second run sends nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount } from '../src/community/accounts.js';
import { outboxFor } from '../src/mail/outbox.js';
import type { PaperInput } from '../src/model/paper.js';
import { BASE_URL, createMailTestApp, type MailTestApp } from './support/smtp-app.js';
import { ensureBuilt, runCli } from './support/smtp-cli.js';
import { startSmtpServer, type TestSmtpServer } from './support/smtp.js';
import { testPaper } from './support/temp-app.js';
import { Visitor } from './support/visitor.js';

const PASSWORD = 'correct horse battery';
const DAYS = ['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20'];

const MASKED = [
  'Masked diffusion language models scale to code generation',
  'Simple and effective masked diffusion for discrete text',
  'Remasking strategies for masked discrete diffusion samplers',
  'Masked diffusion models are secretly time-agnostic masked models',
  'Faster sampling for masked diffusion language models with caching',
  'Masked discrete diffusion for protein sequence design',
  'Any-order generation with masked diffusion transformers',
  'Training masked diffusion models with variable mask schedules',
  'Guidance for masked diffusion language models',
  'Masked diffusion beats autoregression on sudoku and planning',
  'A theory of masked diffusion: absorbing states and denoising',
  'Block masked diffusion for long documents',
];
const OTHER = [
  'Graph neural networks for traffic forecasting',
  'Reinforcement learning for legged robot locomotion',
  'Byzantine fault tolerant consensus in permissioned ledgers',
  'Sparse matrix multiplication on GPUs with tensor cores',
  'Privacy auditing of federated learning deployments',
  'Galaxy cluster mass estimates from weak lensing surveys',
  'Query optimization for columnar database engines',
  'Speech recognition for low-resource African languages',
  'Formal verification of smart contract compilers',
  'Energy-efficient scheduling for edge computing clusters',
  'Ranking fairness in two-sided recommendation markets',
  'Quantum error correction with surface codes at scale',
  'Hyperparameter transfer across model widths',
  'Causal inference from observational health records',
  'Optical flow estimation with recurrent refinement',
  'Program synthesis from input-output examples',
  'Climate model downscaling with convolutional networks',
  'Adversarial robustness certification for image classifiers',
  'Compiler autotuning with Bayesian optimization',
  'Dialogue state tracking for task-oriented assistants',
];

function corpus(): PaperInput[] {
  const masked = MASKED.map((title, i) =>
    testPaper(`2611.${String(i + 1).padStart(5, '0')}`, title, DAYS[i % DAYS.length] ?? '', {
      abstract: `${title}. Masked diffusion models corrupt discrete tokens by masking them and learn to denoise the masked positions; we study masked diffusion training, sampling and remasking for discrete data.`,
    }),
  );
  const other = OTHER.map((title, i) =>
    testPaper(`2611.${String(i + 101).padStart(5, '0')}`, title, DAYS[i % DAYS.length] ?? '', {
      abstract: `${title}. We propose a method, evaluate it on standard benchmarks and report improvements over strong baselines in ${title.toLowerCase()}.`,
      categories: ['cs.DC'],
    }),
  );
  return [...masked, ...other];
}

const isMasked = (title: string): boolean => MASKED.includes(title);

describe('personal digest over SMTP', () => {
  let smtp: TestSmtpServer;
  let env: MailTestApp;
  const saved = ['2611.00001', '2611.00002'];

  beforeAll(async () => {
    ensureBuilt();
    smtp = await startSmtpServer();
    env = await createMailTestApp(smtp.url);
    await env.store.upsertPapers(corpus());
    const created = await createAccount(env.store, {
      username: 'reader',
      email: 'Reader@example.org',
      password: PASSWORD,
    });
    if (!created.ok) throw new Error(created.message);
    const collection = await env.store.createCollection({
      ownerId: created.user.id,
      name: 'Diffusion',
      isPublic: false,
      now: new Date(),
    });
    if (!collection) throw new Error('no collection');
    for (const id of saved) await env.store.addToCollection(collection.id, id, new Date());
  }, 180_000);

  afterAll(async () => {
    await outboxFor(env.ctx).close();
    await env.close();
    await smtp.close();
  });

  it('mails an account its recommended papers with their reasons, and never the same paper twice', async () => {
    const visitor = new Visitor(env.app, BASE_URL);
    await visitor.page('/login');
    expect((await visitor.submit('/login', { username: 'reader', password: PASSWORD })).status).toBe(303);
    expect(await visitor.page('/recommended')).toContain('href="/digest/personal"');
    await visitor.page('/digest/personal');
    const asked = await visitor.submit('/digest/personal', {});
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('Check your inbox');

    // Double opt-in: nothing but the confirmation until its link is followed.
    const [confirmation] = await smtp.waitForCount(1);
    expect(confirmation?.recipients).toEqual(['reader@example.org']);
    expect(confirmation?.text).toContain('Papers recommended from your library');
    const link = /http:\/\/paperboy\.test\/subscribe\/confirm\?token=[\w.-]+/.exec(
      confirmation?.text ?? '',
    )?.[0];
    const token = new URL(link ?? '').searchParams.get('token') ?? '';
    await visitor.page(link ?? '');
    expect((await visitor.submit('/subscribe/confirm', { token })).status).toBe(200);

    const run = await runCli(['digest', 'send', '--kind', 'personal', '--date', '2026-11-20'], env.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 sent');
    const [, digest] = await smtp.waitForCount(2);
    if (!digest) throw new Error('no digest');
    expect(digest.recipients).toEqual(['reader@example.org']);
    expect(digest.subject).toMatch(/^Recommended for you \(week 47\): /);
    expect(digest.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const listed = [...digest.text.matchAll(/^\d+\. (.+)$/gm)].map((m) => m[1] ?? '');
    expect(listed.length).toBeGreaterThanOrEqual(5);
    // Mostly the masked-diffusion papers the reader did not save yet, the best one first.
    expect(isMasked(listed[0] ?? '')).toBe(true);
    expect(listed.filter(isMasked).length).toBeGreaterThanOrEqual(8);
    expect(listed).not.toContain(MASKED[0]);
    expect(listed).not.toContain(MASKED[1]);
    // Each paper comes with why it was picked, in both parts.
    expect(digest.text).toMatch(
      /Why: Because you saved “(Masked diffusion language models|Simple and effective)/,
    );
    expect(digest.text.match(/Why: Because you saved/g)?.length).toBe(listed.length);
    expect(digest.html).toContain('<em>Why:</em> Because you saved');
    expect(digest.html).toMatch(/shared terms: [a-z]+/);

    // The same week again: nothing new is sent.
    const again = await runCli(['digest', 'send', '--kind', 'personal', '--date', '2026-11-20'], env.env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 sent');
    // The next week, over the same papers: the ones sent already are never sent again.
    const next = await runCli(['digest', 'send', '--kind', 'personal', '--date', '2026-11-27'], env.env);
    expect(next.code).toBe(0);
    await outboxFor(env.ctx).idle();
    const later = smtp.received.slice(2);
    const relisted = later.flatMap((m) => [...m.text.matchAll(/^\d+\. (.+)$/gm)].map((x) => x[1] ?? ''));
    expect(relisted.filter((title) => listed.includes(title))).toEqual([]);
  });

  it('follows the account to its new address, and never goes to the old one again', async () => {
    const old = await env.store.findMailSubscriber('reader@example.org');
    if (!old) throw new Error('no subscriber');
    // The old address has a digest of its own too, which stays.
    await env.store.setMailTopics(old.id, [...old.topics, { type: 'daily' }], new Date());

    const visitor = new Visitor(env.app, BASE_URL);
    await visitor.page('/login');
    expect((await visitor.submit('/login', { username: 'reader', password: PASSWORD })).status).toBe(303);
    await visitor.page('/account/email');
    const before = smtp.received.length;
    const asked = await visitor.submit('/account/email', { email: 'reader@new.example', password: PASSWORD });
    expect(asked.status).toBe(200);
    const [change] = (await smtp.waitForCount(before + 1)).slice(before);
    const link = /http:\/\/paperboy\.test\/account\/email\/confirm\?\S+/.exec(change?.text ?? '')?.[0];
    const params = new URL(link ?? '').searchParams;
    const confirmed = await visitor.submit('/account/email/confirm', {
      token: params.get('token') ?? '',
      email: params.get('email') ?? '',
    });
    expect(confirmed.status).toBe(200);
    expect(await confirmed.text()).toContain('Your weekly recommendations go to this address from now on.');
    expect((await env.store.findMailSubscriber('reader@example.org'))?.topics).toEqual([{ type: 'daily' }]);
    expect(await env.store.findMailSubscriber('reader@new.example')).toMatchObject({
      status: 'active',
      topics: [{ type: 'personal', userId: expect.any(Number) }],
    });

    const run = await runCli(['digest', 'send', '--kind', 'personal', '--date', '2026-12-04'], env.env);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('1 sent');
    await outboxFor(env.ctx).idle();
    // The change link, then the digest: the address proved itself, so no second confirmation is asked.
    expect(smtp.to('reader@new.example').map((m) => m.subject)).toEqual([
      'Confirm your new Paperboy email address',
      expect.stringMatching(/^Recommended for you \(week 49\): /),
    ]);

    // Even a personal topic left on the old address (as before this moved) no longer reaches it, though
    // there are new recommendations it was never sent.
    const stale = await env.store.requestMailSubscription('reader@example.org', old.topics, new Date());
    await env.store.confirmMailSubscription(stale.confirmationId, new Date());
    await env.store.upsertPapers(
      [
        'Masked diffusion language models with learned unmasking order',
        'Distilling masked diffusion samplers',
      ].map((title, i) =>
        testPaper(`2612.0000${i + 1}`, title, '2026-12-10', {
          abstract: `${title}. Masked diffusion models denoise masked discrete tokens; we study masked diffusion sampling.`,
        }),
      ),
    );
    const oldMail = smtp.to('reader@example.org').length;
    const later = await runCli(['digest', 'send', '--kind', 'personal', '--date', '2026-12-11'], env.env);
    expect(later.code).toBe(0);
    expect(later.stdout).toContain('1 sent');
    await outboxFor(env.ctx).idle();
    expect(smtp.to('reader@new.example')).toHaveLength(3);
    expect(smtp.to('reader@example.org').length).toBe(oldMail);
  });
});
