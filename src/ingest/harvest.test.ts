import { describe, expect, it } from 'vitest';
import { emptyPaper } from '../model/paper.js';
import { FIRST_RUN_DAYS, planHarvest, reconcile } from './harvest.js';
import type { HarvestCheckpoint } from './harvest-state.js';

const today = new Date('2026-03-10T05:00:00Z');

describe('planHarvest', () => {
  const stopped: HarvestCheckpoint = {
    set: 'cs',
    lastDatestamp: '2026-03-08',
    pending: { from: '2026-03-01', until: null, resumptionToken: 'tok-3', pages: 2 },
  };

  it('starts a first run a week back when there is no checkpoint', () => {
    expect(FIRST_RUN_DAYS).toBe(7);
    expect(planHarvest({ set: 'cs' }, null, today)).toEqual({
      set: 'cs',
      from: '2026-03-03',
      until: null,
      token: null,
      pagesBefore: 0,
    });
  });

  it('continues from the day of the last datestamp, inclusive', () => {
    const done: HarvestCheckpoint = { set: '', lastDatestamp: '2026-03-09T18:00:00Z', pending: null };
    expect(planHarvest({}, done, today)).toMatchObject({
      set: '',
      from: '2026-03-09',
      until: null,
      token: null,
    });
  });

  it('resumes a stopped run from its token when asked for no window or for the same one', () => {
    const resumed = { set: 'cs', from: '2026-03-01', until: null, token: 'tok-3', pagesBefore: 2 };
    expect(planHarvest({ set: 'cs' }, stopped, today)).toEqual(resumed);
    expect(planHarvest({ set: 'cs', from: '2026-03-01' }, stopped, today)).toEqual(resumed);
  });

  it('harvests an explicit different window as asked, leaving the stopped run alone', () => {
    expect(planHarvest({ set: 'cs', from: '2026-02-01', until: '2026-02-28' }, stopped, today)).toEqual({
      set: 'cs',
      from: '2026-02-01',
      until: '2026-02-28',
      token: null,
      pagesBefore: 0,
    });
  });
});

describe('reconcile', () => {
  const harvested = {
    ...emptyPaper('1412.8323', 'Toolbox', '2014-12-29'),
    version: 2,
    updatedAt: '2017-12-13T00:00:00.000Z',
  };

  it('leaves a paper nobody stored as it is', () => {
    expect(reconcile(harvested, undefined)).toBe(harvested);
  });

  it('raises the version above the stored one when the record was revised after it', () => {
    const stored = { version: 3, updatedAt: '2016-05-01T10:00:00.000Z', feedDate: '2015-01-02' };
    expect(reconcile(harvested, stored)).toMatchObject({ version: 4, feedDate: '2015-01-02' });
  });

  it('keeps the lower bound when the stored paper is as new, so the merge only fills gaps', () => {
    const stored = { version: 5, updatedAt: '2017-12-13T21:04:00.000Z', feedDate: '2015-01-02' };
    expect(reconcile(harvested, stored)).toMatchObject({ version: 2, feedDate: '2015-01-02' });
  });

  it('keeps the feed day of a stored paper', () => {
    const stored = { version: 1, updatedAt: null, feedDate: '2026-03-10' };
    expect(reconcile({ ...harvested, feedDate: '2026-03-09' }, stored).feedDate).toBe('2026-03-10');
  });
});
