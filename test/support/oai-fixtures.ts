import { readFileSync } from 'node:fs';
import { sharedPath } from './shared.js';

/**
 * ListRecords pages assembled from arXiv's real OAI-PMH responses in ../shared/fixtures/oai-pmh-arxiv.
 * The recorded ListRecords responses are single pages without resumption tokens; a multi-page harvest
 * is built by giving each page a token that names the next one, exactly as arXiv's pages do.
 */

export function oaiFixture(dir: 'oai-pmh-arxiv' | 'oai-pmh-generic', name: string): string {
  return readFileSync(sharedPath('fixtures', dir, name), 'utf8');
}

/** The `<record>…</record>` elements of a recorded response, byte for byte. */
export function recordsOf(xml: string): string[] {
  const records: string[] = [];
  for (let start = xml.indexOf('<record>'); start !== -1; start = xml.indexOf('<record>', start + 1)) {
    const end = xml.indexOf('</record>', start);
    records.push(xml.slice(start, end + '</record>'.length));
  }
  return records;
}

export interface PageToken {
  token: string;
  cursor: number;
  completeListSize: number;
}

/** A ListRecords response in arXiv's envelope; `token` null (or an empty token) ends the list. */
export function listRecordsPage(
  records: string[],
  token: PageToken | null,
  options: { emptyToken?: boolean } = {},
): string {
  const resumption = token
    ? `<resumptionToken cursor="${token.cursor}" completeListSize="${token.completeListSize}">${token.token}</resumptionToken>`
    : options.emptyToken
      ? '<resumptionToken cursor="0" completeListSize="0"/>'
      : '';
  return `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd">
<responseDate>2017-12-14T12:56:31Z</responseDate>
<request verb="ListRecords" metadataPrefix="arXiv">http://export.arxiv.org/oai2</request>
<ListRecords>
${records.join('\n')}
${resumption}
</ListRecords>
</OAI-PMH>
`;
}

/** A deleted record's header, as OAI-PMH repositories send them. */
export function deletedRecord(arxivId: string, datestamp: string): string {
  return `<record><header status="deleted"><identifier>oai:arXiv.org:${arxivId}</identifier><datestamp>${datestamp}</datestamp><setSpec>cs</setSpec></header></record>`;
}

/**
 * Real records, each arXiv id once: the two recorded ListRecords pages (hep-th, hep-ex), the twelve of
 * sample_arxiv_record.xml (the numbered samples repeat eleven of them) and arxiv-single.xml's one.
 */
export function realArxivRecords(): {
  hepTh: string[];
  hepEx: string[];
  samples: string[];
  single: string[];
} {
  return {
    hepTh: recordsOf(oaiFixture('oai-pmh-arxiv', 'arxiv-physics-hep-th.xml')),
    hepEx: recordsOf(oaiFixture('oai-pmh-arxiv', 'arxiv-physics-hep-ex.xml')),
    samples: recordsOf(oaiFixture('oai-pmh-arxiv', 'sample_arxiv_record.xml')),
    single: recordsOf(oaiFixture('oai-pmh-arxiv', 'arxiv-single.xml')),
  };
}

/** The arXiv id inside a record (from `<identifier>oai:arXiv.org:ID</identifier>`). */
export function idOfRecord(record: string): string {
  const start = record.indexOf('oai:arXiv.org:') + 'oai:arXiv.org:'.length;
  return record.slice(start, record.indexOf('</identifier>', start));
}
