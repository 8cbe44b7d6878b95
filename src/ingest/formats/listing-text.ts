import { localPaperId } from '../../model/arxiv-id.js';
import { emptyPaper } from '../../model/paper.js';
import { extractLinks } from '../links.js';
import { collapseWhitespace } from '../text.js';
import { isCalendarDay, type ParsedRecord } from './record.js';

export interface ListingOptions {
  /** Year of the listing's `Mar 12` date line, which names no year. */
  year?: number;
  /** "Now", for the default year rule; tests pin it. */
  today?: Date;
}

/** The listing as a whole cannot be read (as opposed to one bad paper in it). */
export class ListingError extends Error {}

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
// `Mar 12`, `March 12`, `Mar. 12, 2025`, or an ISO day.
const DATE_LINE = /^([a-z]{3,9})\.? (\d{1,2})(?:,? (\d{4}))?$|^(\d{4}-\d{2}-\d{2})$/i;
// Titles are one short line; a longer block in a title's place means a title is missing.
const MAX_TITLE_LENGTH = 300;
// Page chrome before the date line ("new", "Subscribe", ...) is a handful of lines, never a whole listing.
const MAX_PREAMBLE_BLOCKS = 10;

interface Block {
  line: number;
  lines: string[];
}

/**
 * Reads the paper-listing text of a scraped daily-papers page, line by line: page chrome, a date
 * line (`Mar 12`), then per paper a title line, a blank line, the abstract paragraph and a blank
 * line. Further date lines start a new day. Papers have no arXiv id here, so each gets a stable
 * local id from its title (localPaperId).
 *
 * The date line names no year. Unless `year` is given, it is the latest such day not after today:
 * a listing is scraped from a live page, which shows this year's dates without the year.
 */
export class ListingTextParser {
  private block: Block | null = null;
  private feedDate: string | null = null;
  private preambleBlocks = 0;
  private pendingTitle: { line: number; title: string } | null = null;

  constructor(private readonly options: ListingOptions = {}) {}

  /** Feeds one line (numbered from 1); returns the records it completed. */
  push(text: string, line: number): ParsedRecord[] {
    if (text.trim() === '') return this.closeBlock();
    if (this.block) this.block.lines.push(text.trim());
    else this.block = { line, lines: [text.trim()] };
    return [];
  }

  /** Ends the input; returns the records still pending. */
  end(): ParsedRecord[] {
    const records = this.closeBlock();
    if (this.feedDate === null && this.preambleBlocks > 0) throw this.noDateLine();
    if (this.pendingTitle) records.push(this.paper(this.pendingTitle, ''));
    this.pendingTitle = null;
    return records;
  }

  private closeBlock(): ParsedRecord[] {
    const block = this.block;
    this.block = null;
    if (!block) return [];
    const text = collapseWhitespace(block.lines.join(' '));
    const day = block.lines.length === 1 ? this.parseDateLine(text) : null;
    if (day) {
      const records = this.pendingTitle ? [this.paper(this.pendingTitle, '')] : [];
      this.pendingTitle = null;
      this.feedDate = day;
      return records;
    }
    if (this.feedDate === null) {
      if (++this.preambleBlocks > MAX_PREAMBLE_BLOCKS) throw this.noDateLine();
      return [];
    }
    if (this.pendingTitle) {
      const record = this.paper(this.pendingTitle, text);
      this.pendingTitle = null;
      return [record];
    }
    if (block.lines.length > 1 || text.length > MAX_TITLE_LENGTH) {
      return [
        {
          line: block.line,
          error: `expected a title line but found a paragraph of ${text.length} characters (is a title missing?)`,
        },
      ];
    }
    this.pendingTitle = { line: block.line, title: text };
    return [];
  }

  private paper(title: { line: number; title: string }, abstract: string): ParsedRecord {
    // closeBlock only keeps a title once a date line has set the day.
    const feedDate = this.feedDate ?? '';
    return {
      line: title.line,
      paper: {
        ...emptyPaper(localPaperId(title.title), title.title, feedDate),
        abstract,
        ...extractLinks(abstract),
      },
    };
  }

  private parseDateLine(text: string): string | null {
    const match = DATE_LINE.exec(text);
    if (!match) return null;
    if (match[4]) return isCalendarDay(match[4]) ? match[4] : null;
    const name = (match[1] ?? '').toLowerCase();
    const month = MONTHS.findIndex((full) => full.startsWith(name));
    if (month < 0) return null;
    const day = Number(match[2]);
    const year = match[3] ? Number(match[3]) : this.options.year;
    return year === undefined
      ? latestPastDay(month, day, this.options.today ?? new Date())
      : isoDay(year, month, day);
  }

  private noDateLine(): ListingError {
    return new ListingError(
      'no date line (such as "Mar 12") before the first paper; is this a paper listing?',
    );
  }
}

function isoDay(year: number, month: number, day: number): string | null {
  const text = `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  return isCalendarDay(text) ? text : null;
}

/** The latest date with this month and day that is not after `today` (UTC); Feb 29 looks back to a leap year. */
function latestPastDay(month: number, day: number, today: Date): string | null {
  const todayText = today.toISOString().slice(0, 10);
  for (let year = today.getUTCFullYear(); year > today.getUTCFullYear() - 8; year--) {
    const candidate = isoDay(year, month, day);
    if (candidate && candidate <= todayText) return candidate;
  }
  return null;
}

/** Parses a whole listing held in memory (see ListingTextParser). */
export function parseListing(text: string, options: ListingOptions = {}): ParsedRecord[] {
  const parser = new ListingTextParser(options);
  const records = text.split(/\r?\n/).flatMap((line, index) => parser.push(line, index + 1));
  return [...records, ...parser.end()];
}
