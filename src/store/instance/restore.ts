import type { PaperInput } from '../../model/paper.js';
import type { UpsertSummary } from '../store.js';
import type { Backend, InstanceRecord, RecordOf } from './records.js';
import { hidePaper, paperInput, planRecord, type RecordPlan, type Statement } from './sql.js';

/** What restoring a batch did; `refused` points into the batch. */
export interface RestoreSummary extends UpsertSummary {
  refused: { index: number; message: string }[];
}

export type PlanOutcome = 'inserted' | 'present' | 'refused';

/** What an adapter lends a restore. */
export interface RestoreTarget {
  backend: Backend;
  upsertPapers(papers: PaperInput[]): Promise<UpsertSummary>;
  /** Runs `updates`, then each plan, in one transaction. */
  runPlans(updates: Statement[], plans: RecordPlan[]): Promise<PlanOutcome[]>;
}

/**
 * Restores a batch of records: papers through upsertPapers (so a paper the target has is merged, and the
 * category, facet and full-text tables stay right), then the other records in the batch's order, each
 * inserted unless the target has it already, in one transaction.
 */
export async function restoreRecords(
  target: RestoreTarget,
  records: InstanceRecord[],
): Promise<RestoreSummary> {
  const papers = records.filter((r): r is RecordOf<'paper'> => r.kind === 'paper');
  const summary: RestoreSummary = { inserted: 0, updated: 0, unchanged: 0, refused: [] };
  if (papers.length > 0) Object.assign(summary, await target.upsertPapers(papers.map(paperInput)));
  const hides = papers.flatMap((paper) => hidePaper(paper) ?? []);
  const others = records.flatMap((record, index) =>
    record.kind === 'paper' ? [] : [{ index, plan: planRecord(record, target.backend) }],
  );
  if (hides.length === 0 && others.length === 0) return summary;
  const outcomes = await target.runPlans(
    hides,
    others.map((o) => o.plan),
  );
  outcomes.forEach((outcome, i) => {
    const { index, plan } = others[i] ?? {};
    if (outcome === 'inserted') summary.inserted++;
    else if (outcome === 'present') summary.unchanged++;
    else if (index !== undefined && plan) summary.refused.push({ index, message: plan.refused });
  });
  return summary;
}
