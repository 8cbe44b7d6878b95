/**
 * `/api`: the API reference as a page, generated from the same OpenAPI document as /api/openapi.json
 * (itself generated from the zod schemas that validate requests), so the page cannot drift from the
 * API. Server-rendered, no script, no CDN.
 */
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { Layout, renderPage } from '../web/layout.js';

/** The parts of an OpenAPI 3.1 document this page reads. */
export interface OpenApiSchema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  items?: OpenApiSchema;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  allOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
  description?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  pattern?: string;
}

interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: OpenApiSchema;
}

interface OpenApiOperation {
  summary?: string;
  description?: string;
  parameters?: OpenApiParameter[];
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: OpenApiSchema }> }>;
}

export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

const refName = (ref: string) => ref.split('/').pop() ?? ref;
const schemaAnchor = (name: string) => `schema-${name}`;

/** A schema as a short type expression: `string (date-time)`, `array of Author`, `"publishedAt" | "trending"`. */
function TypeOf({ schema }: { schema?: OpenApiSchema }): Child {
  if (!schema) return 'any';
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return <a href={`#${schemaAnchor(name)}`}>{name}</a>;
  }
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  const variants = schema.allOf ?? schema.anyOf ?? schema.oneOf;
  if (variants) {
    const joiner = schema.allOf ? ' and ' : ' or ';
    return (
      <>
        {variants.map((variant, i) => (
          <>
            {i > 0 ? joiner : ''}
            <TypeOf schema={variant} />
          </>
        ))}
      </>
    );
  }
  if (schema.type === 'array') {
    return (
      <>
        array of <TypeOf schema={schema.items} />
      </>
    );
  }
  const type = Array.isArray(schema.type) ? schema.type.join(' | ') : (schema.type ?? 'any');
  return schema.format ? `${type} (${schema.format})` : type;
}

/** Limits and defaults worth knowing when calling: `1–100, default 50`. */
function constraints(schema?: OpenApiSchema): string {
  if (!schema) return '';
  const parts: string[] = [];
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    parts.push(`${schema.minimum}–${schema.maximum}`);
  else if (schema.minimum !== undefined) parts.push(`at least ${schema.minimum}`);
  if (schema.maxLength !== undefined) parts.push(`at most ${schema.maxLength} characters`);
  if (schema.pattern) parts.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.example !== undefined)
    parts.push(
      `e.g. ${typeof schema.example === 'string' ? schema.example : JSON.stringify(schema.example)}`,
    );
  return parts.join(' · ');
}

function Parameters({ parameters }: { parameters: OpenApiParameter[] }) {
  if (parameters.length === 0) return <p class="muted">No parameters.</p>;
  return (
    <table class="api-table">
      <thead>
        <tr>
          <th scope="col">Parameter</th>
          <th scope="col">Type</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {parameters.map((p) => (
          <tr>
            <td>
              <code>{p.name}</code>
              <span class="muted"> · {p.in}</span>
              {p.required ? <strong class="api-required"> required</strong> : null}
            </td>
            <td>
              <TypeOf schema={p.schema} />
            </td>
            <td>
              {p.description ?? p.schema?.description ?? ''}
              {constraints(p.schema) ? <div class="muted">{constraints(p.schema)}</div> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Endpoint({
  base,
  path,
  method,
  op,
}: {
  base: string;
  path: string;
  method: string;
  op: OpenApiOperation;
}) {
  const id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');
  return (
    <section class="api-endpoint" aria-labelledby={id}>
      <h3 id={id}>
        <span class="api-method">{method.toUpperCase()}</span> <code>{`${base}${path}`}</code>
      </h3>
      {op.summary ? <p>{op.summary}</p> : null}
      {op.description ? <p>{op.description}</p> : null}
      <Parameters parameters={op.parameters ?? []} />
      <h4>Responses</h4>
      <ul>
        {Object.entries(op.responses ?? {}).map(([status, response]) => (
          <li>
            <strong>{status}</strong> {response.description ?? ''}
            {Object.entries(response.content ?? {}).map(([type, content]) => (
              <>
                {' '}
                — <code>{type}</code>: <TypeOf schema={content.schema} />
              </>
            ))}
          </li>
        ))}
      </ul>
    </section>
  );
}

function SchemaTable({ name, schema }: { name: string; schema: OpenApiSchema }) {
  const parts = schema.allOf ?? [schema];
  const properties = parts.flatMap((part) => Object.entries(part.properties ?? {}));
  const required = new Set(parts.flatMap((part) => part.required ?? []));
  const bases = parts.filter((part) => part.$ref);
  return (
    <section class="api-schema" aria-labelledby={schemaAnchor(name)}>
      <h3 id={schemaAnchor(name)}>{name}</h3>
      {schema.description ? <p>{schema.description}</p> : null}
      {bases.length > 0 ? (
        <p>
          Every field of{' '}
          {bases.map((base, i) => (
            <>
              {i > 0 ? ', ' : ''}
              <TypeOf schema={base} />
            </>
          ))}
          , and:
        </p>
      ) : null}
      <table class="api-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Type</th>
            <th scope="col">Description</th>
          </tr>
        </thead>
        <tbody>
          {properties.map(([field, property]) => (
            <tr>
              <td>
                <code>{field}</code>
                {required.has(field) ? null : <span class="muted"> · optional</span>}
              </td>
              <td>
                <TypeOf schema={property} />
              </td>
              <td>{property.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function ApiDocsPage({ doc, baseUrl }: { doc: OpenApiDocument; baseUrl: string }) {
  const base = doc.servers?.[0]?.url ?? '';
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  return (
    <Layout title="API" description="The Paperboy JSON API: daily papers, search and paper metadata.">
      <article class="api-docs">
        <h1>{doc.info.title}</h1>
        <p>{doc.info.description}</p>
        <p>
          JSON over HTTP, no key needed, readable from any site (CORS). Errors are JSON too:{' '}
          <code>{'{"error": "…"}'}</code> with status 400 for a bad parameter and 404 for an unknown paper.
          Times are UTC, ISO-8601, ending in <code>Z</code>. The machine-readable description is{' '}
          <a href={`${base}/openapi.json`}>OpenAPI 3.1</a>.
        </p>

        <h2>From Python, with huggingface_hub</h2>
        <p>
          The API has the shape of the Hugging Face papers API, so the official client works against this
          instance:
        </p>
        <pre class="api-example">
          <code>{`HF_ENDPOINT=${baseUrl} python3 - <<'EOF'
from itertools import islice
from huggingface_hub import HfApi
api = HfApi()
for paper in islice(api.list_daily_papers(), 5):
    print(paper.id, paper.title, paper.upvotes)
print(api.paper_info("2406.09414").title)
EOF`}</code>
        </pre>

        <h2>Endpoints</h2>
        {operations.map(({ path, method, op }) => (
          <Endpoint base={base} path={path} method={method} op={op} />
        ))}

        <h2>Other formats</h2>
        <ul>
          <li>
            <code>GET /papers/{'{id}'}.md</code> — a paper as Markdown (also <code>/papers/{'{id}'}</code>{' '}
            with <code>Accept: text/markdown</code>), as on Hugging Face.
          </li>
          <li>
            <code>GET /papers/{'{id}'}.bib</code> — a paper as a BibTeX <code>@misc</code> entry with arXiv
            eprint fields.
          </li>
          <li>
            <a href="/feeds">Atom and RSS feeds</a>: <code>/feeds/daily.atom</code>,{' '}
            <code>/feeds/trending.rss</code>, <code>/feeds/category/cs.LG.atom</code>,{' '}
            <code>/feeds/search.atom?q=…</code>. They answer conditional requests (ETag, Last-Modified) with
            304.
          </li>
          <li>
            <code>GET /healthz</code> — liveness; <code>GET /metrics</code> — Prometheus metrics.
          </li>
        </ul>

        <h2>Schemas</h2>
        {Object.entries(doc.components?.schemas ?? {}).map(([name, schema]) => (
          <SchemaTable name={name} schema={schema} />
        ))}
      </article>
    </Layout>
  );
}

export function renderApiDocs(c: Context, doc: OpenApiDocument, baseUrl: string): Promise<Response> {
  return renderPage(c, <ApiDocsPage doc={doc} baseUrl={baseUrl} />);
}
