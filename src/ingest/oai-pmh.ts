import {
  MalformedXmlError,
  attributeOf,
  childOf,
  childrenOf,
  parseXmlDocument,
  textOf,
  type XmlNode,
} from './arxiv-xml.js';

/**
 * The OAI-PMH 2.0 protocol (https://www.openarchives.org/OAI/openarchivesprotocol.html): requests,
 * the response envelope, resumption tokens and error codes. Knows nothing about arXiv's metadata.
 */

/** What each error code of the protocol (§3.6) means for a harvest, in words for the operator. */
export const OAI_ERROR_MEANINGS: Record<string, string> = {
  badArgument: 'the repository rejected the request arguments (check --set, --from and --until)',
  badResumptionToken: 'the repository no longer accepts the resumption token (it expired or is invalid)',
  badVerb: 'the repository does not support this request (bad verb); is ARXIV_OAI_URL an OAI-PMH endpoint?',
  cannotDisseminateFormat: 'the repository cannot provide records in the arXiv metadata format',
  idDoesNotExist: 'the repository has no record with that identifier',
  noMetadataFormats: 'the repository has no metadata formats for that item',
  noRecordsMatch: 'no records match the request',
  noSetHierarchy: 'the repository does not support sets (run without --set)',
};

/** An OAI-PMH `<error>`; `noRecordsMatch` never becomes one (an empty result is not a failure). */
export class OaiPmhError extends Error {
  constructor(
    readonly code: string,
    /** The repository's own explanation, when it gave one. */
    readonly detail: string,
  ) {
    const meaning = OAI_ERROR_MEANINGS[code] ?? `the repository reported an error (${code || 'no code'})`;
    super(`OAI-PMH ${code || 'error'}: ${meaning}${detail ? ` — "${detail}"` : ''}`);
    this.name = 'OaiPmhError';
  }
}

export interface OaiHeader {
  /** `oai:arXiv.org:2503.11731`; '' when the repository left it out. */
  identifier: string;
  /** YYYY-MM-DD, or a full UTC timestamp for repositories with seconds granularity; '' when missing. */
  datestamp: string;
  setSpecs: string[];
  /** `status="deleted"`: the record was withdrawn from the repository; there is no metadata. */
  deleted: boolean;
}

export interface OaiRecord {
  header: OaiHeader;
  /** The content of `<metadata>`: one element named after the format (`arXiv`, `dc`). */
  metadata: XmlNode | undefined;
}

export interface OaiResumptionToken {
  /** Empty on the last page of a list. */
  token: string;
  cursor: number | null;
  completeListSize: number | null;
}

export interface OaiResponse {
  responseDate: string;
  /** Records of ListRecords or GetRecord. */
  records: OaiRecord[];
  /** Headers of ListIdentifiers. */
  headers: OaiHeader[];
  resumptionToken: OaiResumptionToken | null;
  /** True for `noRecordsMatch`: the request succeeded and found nothing. */
  noRecordsMatch: boolean;
}

export type ListRecordsRequest =
  | { metadataPrefix: string; set?: string | null; from?: string | null; until?: string | null }
  | { resumptionToken: string };

/** The URL of a ListRecords request; a resumption token is exclusive with every other argument (§3.5). */
export function listRecordsUrl(baseUrl: string, request: ListRecordsRequest): string {
  const url = new URL(baseUrl);
  url.searchParams.set('verb', 'ListRecords');
  if ('resumptionToken' in request) {
    url.searchParams.set('resumptionToken', request.resumptionToken);
    return url.toString();
  }
  url.searchParams.set('metadataPrefix', request.metadataPrefix);
  if (request.set) url.searchParams.set('set', request.set);
  if (request.from) url.searchParams.set('from', request.from);
  if (request.until) url.searchParams.set('until', request.until);
  return url.toString();
}

function parseHeader(node: XmlNode | undefined): OaiHeader {
  return {
    identifier: textOf(childOf(node, 'identifier')).trim(),
    datestamp: textOf(childOf(node, 'datestamp')).trim(),
    setSpecs: childrenOf(node, 'setSpec').map((s) => textOf(s).trim()),
    deleted: attributeOf(node, 'status') === 'deleted',
  };
}

function optionalCount(text: string | null): number | null {
  if (text === null || !/^\d+$/.test(text.trim())) return null;
  return Number(text);
}

function parseResumptionToken(list: XmlNode | XmlNode[] | undefined): OaiResumptionToken | null {
  const node = childOf(list, 'resumptionToken');
  if (node === undefined) return null;
  return {
    token: textOf(node).trim(),
    cursor: optionalCount(attributeOf(node, 'cursor')),
    completeListSize: optionalCount(attributeOf(node, 'completeListSize')),
  };
}

/**
 * Parses any OAI-PMH response. Throws MalformedXmlError for a document that is not a well-formed
 * OAI-PMH response, and OaiPmhError for a protocol error other than `noRecordsMatch`.
 */
export function parseOaiResponse(xml: string): OaiResponse {
  const document = parseXmlDocument(xml, 'the OAI-PMH response');
  const root = document['OAI-PMH'];
  if (root === undefined || typeof root === 'string') {
    throw new MalformedXmlError('the response is XML but not an OAI-PMH response (no <OAI-PMH> element)');
  }
  const errors = childrenOf(root, 'error').map((e) => ({
    code: attributeOf(e, 'code') ?? '',
    detail: textOf(e).replace(/\s+/g, ' ').trim(),
  }));
  const failure = errors.find((e) => e.code !== 'noRecordsMatch');
  if (failure) throw new OaiPmhError(failure.code, failure.detail);
  const list = childOf(root, 'ListRecords') ?? childOf(root, 'GetRecord');
  const identifiers = childOf(root, 'ListIdentifiers');
  if (errors.length === 0 && list === undefined && identifiers === undefined) {
    throw new MalformedXmlError('the OAI-PMH response has neither records nor an error');
  }
  return {
    responseDate: textOf(childOf(root, 'responseDate')).trim(),
    records: childrenOf(list, 'record').map((record) => ({
      header: parseHeader(childrenOf(record, 'header')[0]),
      metadata: childrenOf(record, 'metadata')[0],
    })),
    headers: childrenOf(identifiers, 'header').map(parseHeader),
    resumptionToken: parseResumptionToken(list ?? identifiers),
    noRecordsMatch: errors.length > 0,
  };
}
