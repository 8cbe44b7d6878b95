import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedPath } from '../../../test/support/shared.js';
import { fromHfDaily } from './hf-daily.js';
import { RecordError } from './record.js';

const day = (name: string): unknown[] =>
  JSON.parse(readFileSync(sharedPath('fixtures/hf-daily-papers-api', name), 'utf8')) as unknown[];

describe('fromHfDaily', () => {
  it('keeps what the current API gives: upvotes, submitter, links, stars, AI summary, organization', () => {
    const paper = fromHfDaily(day('2026-08-21.json')[0]);
    expect(paper).toMatchObject({
      id: '2608.19880',
      version: 1,
      title: 'EnvHarness: Awakening Static Worlds for Agent Learning',
      publishedAt: '2026-08-20T00:00:00.000Z',
      // submittedOnDailyAt, not the top-level publishedAt (2026-08-19T20:00), names the feed day.
      feedDate: '2026-08-21',
      upvotes: 163,
      submittedBy: {
        user: 'taesiri',
        fullname: 'taesiri',
        avatarUrl: expect.stringMatching(/^https:\/\/cdn-avatars\.huggingface\.co\//),
      },
      codeUrl: 'https://github.com/google-research/envharness',
      projectUrl: 'https://envharness.com/',
      githubStars: 8,
      aiSummary: expect.stringMatching(/^EnvHarness and EnvRigger/),
      organization: 'Google',
    });
    expect(paper.authors).toHaveLength(17);
    expect(paper.authors[0]).toBe('Chengsong Huang');
    expect(paper.aiKeywords).toHaveLength(8);
  });

  it('reads the 2024 API shape: feed day from the top-level publishedAt, submitter under `name`', () => {
    const paper = fromHfDaily(day('2024-06-14.json')[0]);
    expect(paper).toMatchObject({
      id: '2406.09414',
      title: 'Depth Anything V2',
      feedDate: '2024-06-14',
      publishedAt: '2024-06-13T17:59:56.000Z',
      upvotes: 45,
      submittedBy: { user: 'akhaliq', fullname: 'AK' },
    });
  });

  it('prefers the archive day, unwraps the abstract, finds code in it and makes avatar paths absolute', () => {
    const paper = fromHfDaily({
      paper: {
        id: '2405.15738',
        authors: [{ name: 'Chunjiang  Ge' }],
        publishedAt: '2024-05-24T17:34:15.000Z',
        title: 'ConvLLaVA: Hierarchical\n  Backbones',
        summary: 'High-resolution models.\nAvailable at\nhttps://github.com/alibaba/conv-llava.',
        upvotes: 32,
        submittedOnDailyBy: { user: 'ChunjiangGe', fullname: 'Chunjiang Ge', avatarUrl: '/avatars/d3f6.svg' },
      },
      publishedAt: '2024-11-28T23:00:30.168Z',
      _archive_date: '2024-11-29',
    });
    expect(paper).toMatchObject({
      title: 'ConvLLaVA: Hierarchical Backbones',
      abstract: 'High-resolution models. Available at https://github.com/alibaba/conv-llava.',
      authors: ['Chunjiang Ge'],
      feedDate: '2024-11-29',
      codeUrl: 'https://github.com/alibaba/conv-llava',
      submittedBy: { avatarUrl: 'https://huggingface.co/avatars/d3f6.svg' },
    });
  });

  it('rejects entries without a title, with a malformed id or with no feed day', () => {
    const entry = (paper: object, top: object = {}): unknown => ({
      paper: { id: '2406.09414', title: 'T', ...paper },
      publishedAt: '2024-06-14T00:20:32.674Z',
      ...top,
    });
    expect(() => fromHfDaily(entry({ title: '  ' }))).toThrow(new RecordError('no title'));
    expect(() => fromHfDaily(entry({ id: 'abc' }))).toThrow('malformed arXiv id "abc"');
    expect(() => fromHfDaily(entry({}, { publishedAt: undefined }))).toThrow(/missing publishedAt/);
    expect(() => fromHfDaily(entry({ upvotes: 'many' }))).toThrow(/paper\.upvotes/);
    expect(() => fromHfDaily({ title: 'no paper object' })).toThrow('missing paper');
  });
});
