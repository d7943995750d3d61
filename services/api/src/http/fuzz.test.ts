/**
 * Property-based robustness sweep: every operation of the OpenAPI document gets generated
 * malformed (and sometimes well-formed) bodies, headers, path values and query strings, and must
 * answer below 500, with problem+json for every 4xx.
 *
 * Bounded by RUNS per operation. A failure names the operation and fast-check's seed and path;
 * to replay it, set REPLAY below to what the failure prints (and SHRINK to shrink it).
 */
import { describe, expect, it, beforeAll } from 'vitest';
import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { agreementToken } from '@fordra/collection';
import { admin, businessDebtor, invoice, SAMPLE_PDF, useApi } from '../test/harness.js';

const SECRET = 'fuzz-agreement-link-secret-0123456789abcdef';
const api = useApi({ AGREEMENT_LINK_SECRET: SECRET, RATE_LIMIT_MAX: '100000000', WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' });

/** Requests per operation: about 20 seconds for the whole API on two cores. */
const RUNS = 25;
/** A failure to replay, as printed: { seed, path, only: '<METHOD> <path>' }. */
const REPLAY = undefined as { seed: number; path: string; only: string } | undefined;
/** Shrink a counterexample to a smallest one (slow: every try is a request). */
const SHRINK = false;
/** Print the statuses each operation answered: how deep the sweep got. */
const PRINT_STATS = false;

type Schema = { [k: string]: unknown } & {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: Schema;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: Schema | boolean;
};

interface Parameter {
  in: 'path' | 'query' | 'header' | 'cookie';
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  method: string;
  path: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  security?: Record<string, string[]>[];
}

interface OpenApi {
  paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  components: { schemas: Record<string, Schema> };
}

/** Real rows of the fuzzing creditor, so that generated requests also reach past the lookups. */
interface Fixture {
  auth: { authorization: string };
  ids: Record<string, string[]>;
  tokens: string[];
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Header values as HTTP carries them: visible ASCII, spaces, tabs and obs-text. */
const headerText = (maxLength: number) =>
  fc.string({ unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((c) => String.fromCharCode(c)), maxLength });

const oddStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '%00',
  '%',
  '%zz',
  '%E0%A4%A',
  '..',
  '../../etc/passwd',
  'null',
  'undefined',
  'true',
  '-1',
  '0',
  '1e400',
  'NaN',
  '__proto__',
  'constructor',
  "'; DROP TABLE cases; --",
  '<script>alert(1)</script>',
  '💥',
  '\uD800',
  'ǅ\u0301',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '2026-02-30',
  '9999-12-31',
  '0000-01-01',
  '2026-11-24T25:00:00Z',
);

const anyString = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: oddStrings },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.nat({ max: 300_000 }).map((n) => 'x'.repeat(n)) },
);

/** A value of the wrong kind wherever it appears. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, '', 0, -1, -0, 1.5, 2 ** 53, -(2 ** 63), 1e308, true, [], {}, [null], { '': null }),
  anyString,
  fc.integer(),
  fc.double({ noNaN: true }),
);

/** Deeply nested arrays or objects, as JSON text (the parse itself must not fail the server). */
const deepJson = fc.record({ depth: fc.integer({ min: 50, max: 200_000 }), kind: fc.constantFrom('array', 'object', 'mixed') }).map(({ depth, kind }) => {
  if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `{"name":${'[{"x":'.repeat(depth)}0${'}]'.repeat(depth)}}`;
});

const date = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2032-12-31T00:00:00Z'), noInvalidDate: true });

class Generator {
  constructor(
    private readonly doc: OpenApi,
    private readonly fixture: Fixture,
  ) {}

  private resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; i < 10 && s.$ref; i++) s = this.doc.components.schemas[s.$ref.replace('#/components/schemas/', '')] ?? {};
    return s;
  }

  private knownIds(): string[] {
    return Object.values(this.fixture.ids).flat();
  }

  /** Values of the schema (roughly: patterns and formats are honoured, cross-field rules not); with `mutate`, some nodes are wrong. */
  value(schema: Schema, mutate: boolean, depth = 0): fc.Arbitrary<unknown> {
    const right = this.conforming(this.resolve(schema), mutate, depth);
    return mutate ? fc.oneof({ weight: 12, arbitrary: right }, { weight: 1, arbitrary: wrongValue }) : right;
  }

  private conforming(s: Schema, mutate: boolean, depth: number): fc.Arbitrary<unknown> {
    if (depth > 6) return fc.constant(null);
    if ('const' in s) return fc.constant(s.const);
    if (s.enum) return fc.constantFrom(...s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (alternatives?.length) return fc.oneof(...alternatives.map((a) => this.value(a, mutate, depth + 1)));
    if (s.allOf?.length) return this.value(s.allOf[0]!, mutate, depth + 1);
    const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
    if (types.length > 1) return fc.oneof(...types.map((t) => this.conforming({ ...s, type: t }, mutate, depth)));
    switch (types[0]) {
      case 'string':
        return this.string(s);
      case 'integer': {
        const min = s.minimum ?? (s.exclusiveMinimum === undefined ? -1_000_000 : Math.floor(s.exclusiveMinimum) + 1);
        const max = s.maximum ?? (s.exclusiveMaximum === undefined ? 1_000_000_000 : Math.ceil(s.exclusiveMaximum) - 1);
        return fc.oneof(fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }), fc.constantFrom(min, max).filter((n) => Number.isSafeInteger(n)));
      }
      case 'number':
        return fc.double({ min: s.minimum ?? -1e9, max: s.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const minLength = s.minItems ?? 0;
        const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 3, 3));
        return fc.array(this.value(s.items ?? {}, mutate, depth + 1), { minLength, maxLength });
      }
      case 'object': {
        const properties = s.properties ?? {};
        if (Object.keys(properties).length === 0) {
          const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : {};
          return fc.dictionary(fc.string({ maxLength: 10 }), this.value(extra, mutate, depth + 1), { maxKeys: 3 });
        }
        const model = Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, this.value(v, mutate, depth + 1)]));
        const record = fc.record(model, { requiredKeys: (s.required ?? []).filter((k) => k in properties) });
        // Unknown fields beside the known ones.
        return mutate ? fc.tuple(record, fc.dictionary(fc.string({ maxLength: 8 }), wrongValue, { maxKeys: 2 })).map(([r, x]) => ({ ...x, ...r })) : record;
      }
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  private string(s: Schema): fc.Arbitrary<string> {
    const min = s.minLength ?? 0;
    const max = Math.max(min, s.maxLength ?? 60);
    const fits = (v: string) => v.length >= min && v.length <= max;
    switch (s.format) {
      case 'uuid':
        return fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...this.knownIds()) }, { weight: 1, arbitrary: fc.uuid() });
      case 'date':
        return date.map((d) => d.toISOString().slice(0, 10));
      case 'date-time':
        return date.map((d) => d.toISOString());
      case 'email':
        return fc.oneof(fc.constantFrom('ap@kund.example', 'a.b@c.se'), fc.emailAddress()).filter(fits);
      case 'uri':
        return fc.oneof(fc.constant('http://127.0.0.1:9/hook'), fc.webUrl()).filter(fits);
      default:
        break;
    }
    if (s.pattern) {
      try {
        return fc.stringMatching(new RegExp(s.pattern)).filter(fits);
      } catch {
        // A pattern JavaScript cannot compile: plain strings below.
      }
    }
    return fc.oneof(
      { weight: 4, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, min + 40) }) },
      { weight: 1, arbitrary: fc.constantFrom('http://127.0.0.1:9/hook', 'P1D', 'P14D', 'SE', 'SEK', 'Europe/Stockholm', '556016-0680').filter(fits) },
    );
  }

  /** A value for one path segment: a real id, a well-formed one, or (unless `wellFormed`) junk; mostly URL-encoded. */
  pathValue(op: Operation, param: Parameter, wellFormed = false): fc.Arbitrary<string> {
    const known = this.idsForPath(op.path, param.name);
    const valid = this.value(param.schema ?? { type: 'string' }, false).map((v) => String(v));
    if (wellFormed) return known.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: valid }).map(encode) : valid.map(encode);
    const choices: fc.WeightedArbitrary<string>[] = [
      { weight: 3, arbitrary: valid.map(encode) },
      { weight: 2, arbitrary: anyString.map((v) => encode(v.slice(0, 5000))) },
      // Not encoded at all: broken percent-escapes, slashes, dots.
      { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '..', '.', '%2e%2e', ';', '*', '%00', 'a%2Fb') },
    ];
    if (known.length) choices.push({ weight: 5, arbitrary: fc.constantFrom(...known).map(encode) });
    return fc.oneof(...choices);
  }

  private idsForPath(path: string, name: string): string[] {
    if (name === 'token') return this.fixture.tokens;
    if (name === 'invoiceId') return this.fixture.ids.invoice ?? [];
    if (name !== 'id') return [];
    const kind = /^\/v1\/(?:admin\/)?([a-z-]+)/.exec(path)?.[1] ?? '';
    return this.fixture.ids[kind] ?? [];
  }

  query(op: Operation, wellFormed = false): fc.Arbitrary<string> {
    const params = (op.parameters ?? []).filter((p) => p.in === 'query');
    if (wellFormed) {
      const model = Object.fromEntries(params.map((p) => [p.name, this.value(p.schema ?? {}, false).map(asQueryText)]));
      return fc.record(model, { requiredKeys: [] }).map((q) => new URLSearchParams(q as Record<string, string>).toString());
    }
    const pair = (name: fc.Arbitrary<string>, value: fc.Arbitrary<string>) => fc.tuple(name, value);
    const known = params.map((p) =>
      pair(
        fc.constant(p.name),
        fc.oneof(
          this.value(p.schema ?? {}, false).map(asQueryText),
          anyString,
          fc.constantFrom('-1', '0', '201', '1e3', '0x10', '9'.repeat(30), 'null', '[]', 'a,b,,c'),
        ),
      ),
    );
    const pairs = fc.array(fc.oneof({ weight: 3, arbitrary: known.length ? fc.oneof(...known) : pair(fc.string({ maxLength: 5 }), anyString) }, { weight: 1, arbitrary: pair(fc.string({ maxLength: 10 }), anyString) }), { maxLength: 6 });
    return fc.oneof(
      { weight: 5, arbitrary: pairs.map((ps) => new URLSearchParams(ps).toString()) },
      // Raw text, never encoded: stray separators, broken escapes, brackets.
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom('&&&', '=', 'limit', 'limit=', '%', 'a=%zz', 'limit[]=1', 'limit[a]=1&limit=2', '?', '#'), headerText(200)).map((t) => t.replace(/[#\s]/g, '')) },
    );
  }

  headers(op: Operation, contentTypes: string[], wellFormed = false): fc.Arbitrary<Record<string, string>> {
    const validKey = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });
    if (wellFormed) {
      return fc.record({ 'content-type': fc.constantFrom(...contentTypes), 'idempotency-key': validKey, accept: fc.constantFrom('application/json', '*/*', 'application/pdf', 'text/html') }, { requiredKeys: ['content-type'] });
    }
    const idempotencyKey = fc.oneof(validKey, fc.string({ minLength: 1, maxLength: 20 }), headerText(300), fc.nat({ max: 20_000 }).map((n) => 'k'.repeat(n)), fc.constantFrom('', ' ', 'ä', '\t'));
    const contentType = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...contentTypes) },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'application/json; charset=latin1',
          'application/json; charset=utf-16le',
          'APPLICATION/JSON',
          'application/json;;',
          'application/problem+json',
          'application/merge-patch+json',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=xyz',
          'application/pdf',
          'application/xml',
          'text/xml',
          'text/plain',
          'text/html',
          'application/octet-stream',
          '*/*',
          '',
          ';',
          'json',
        ),
      },
      { weight: 1, arbitrary: headerText(100) },
    );
    const accept = fc.oneof(fc.constantFrom('application/json', 'application/pdf', 'text/html', '*/*', 'application/problem+json', 'text/html;q=0.9, application/json', 'image/png', ''), headerText(200));
    const extra = fc.dictionary(
      fc.constantFrom('x-request-id', 'x-forwarded-for', 'content-encoding', 'transfer-encoding', 'if-none-match', 'range', 'origin', 'cookie', 'expect', 'x-http-method-override'),
      fc.oneof(headerText(50), fc.nat({ max: 20_000 }).map((n) => 'h'.repeat(n))),
      { maxKeys: 2 },
    );
    return fc.record({ 'idempotency-key': idempotencyKey, 'content-type': fc.option(contentType, { freq: 8 }), accept, extra }, { requiredKeys: ['content-type'] }).map(({ extra: more, ...named }) => {
      const out: Record<string, string> = {};
      for (const [k, v] of Object.entries({ ...more, ...named })) if (typeof v === 'string') out[k] = v;
      // light-my-request computes the body's length; a transfer encoding would contradict it.
      delete out['transfer-encoding'];
      return out;
    });
  }

  body(op: Operation, contentTypes: string[], wellFormed = false): fc.Arbitrary<string | Buffer | undefined> {
    const schema = op.requestBody?.content['application/json']?.schema;
    const json = (v: unknown) => JSON.stringify(v) ?? 'null';
    if (wellFormed) {
      if (schema) return fc.oneof({ weight: 3, arbitrary: this.value(schema, false).map(json) }, { weight: 1, arbitrary: this.value(schema, true).map(json) });
      if (contentTypes.includes('application/pdf')) return fc.constant(SAMPLE_PDF);
      return fc.constantFrom(undefined, '{}');
    }
    const choices: fc.WeightedArbitrary<string | Buffer | undefined>[] = [
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(json) },
      { weight: 1, arbitrary: wrongValue.map(json) },
      { weight: 1, arbitrary: fc.constantFrom(undefined, '', ' ', '{', '[', '{"a":', '{"a":1,}', "{'a':1}", 'nul', '"unterminated', '{"a":1}{"b":2}', '\uFEFF{}', '\u0000', '1e400', '-', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}') },
      { weight: 1, arbitrary: deepJson },
      { weight: 1, arbitrary: fc.nat({ max: 1_200_000 }).map((n) => json({ name: 'x'.repeat(n), note: 'y' })) },
      { weight: 1, arbitrary: headerText(500) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)) },
    ];
    if (schema) {
      choices.push({ weight: 4, arbitrary: this.value(schema, false).map(json) });
      choices.push({ weight: 6, arbitrary: this.value(schema, true).map(json) });
      // Well-formed JSON cut off somewhere.
      choices.push({ weight: 2, arbitrary: fc.tuple(this.value(schema, false).map(json), fc.double({ min: 0, max: 1, noNaN: true })).map(([t, at]) => t.slice(0, Math.floor(t.length * at))) });
    }
    if (contentTypes.includes('application/pdf')) {
      choices.push({ weight: 4, arbitrary: fc.oneof(fc.constant(SAMPLE_PDF), fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(a)])), fc.nat({ max: 11 * 1024 * 1024 }).map((n) => Buffer.alloc(n, 0x25))) });
    }
    if (contentTypes.some((t) => t.includes('xml'))) {
      const element = fc.string({ unit: fc.constantFrom('a', 'B', 'Ntry', 'Amt', '1', '.', ':'), minLength: 1, maxLength: 8 });
      choices.push({
        weight: 6,
        arbitrary: fc.oneof(
          fc.constantFrom(
            '<?xml version="1.0"?><Document/>',
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn><Ntfctn><Ntry><Amt Ccy="SEK">abc</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry></Ntfctn></BkToCstmrDbtCdtNtfctn></Document>',
            '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Ntry><Amt Ccy="XXX">1e309</Amt></Ntry></Stmt></BkToCstmrStmt></Document>',
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><Document>&c;</Document>',
            '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>',
            '<Document><unclosed>',
            '<<<>>>',
          ),
          fc.array(element, { maxLength: 30 }).map((names) => `<Document>${names.map((n) => `<${n}>`).join('')}${[...names].reverse().map((n) => `</${n}>`).join('')}</Document>`),
          fc.integer({ min: 10, max: 100_000 }).map((n) => `<Document>${'<a>'.repeat(n)}${'</a>'.repeat(n)}</Document>`),
        ),
      });
    }
    return fc.oneof(...choices);
  }
}

/** encodeURIComponent, with lone surrogates (which it refuses) as the invalid UTF-8 they would be. */
const encode = (v: string) => encodeURIComponent(v.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFF')).replaceAll('%EF%BF%BF', '%ED%A0%80');

function asQueryText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
}

// ---------------------------------------------------------------------------------------------

function operations(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })));
}

const isAdmin = (op: Operation) => op.security?.some((s) => 'adminToken' in s) ?? false;
const isPublic = (op: Operation) => Array.isArray(op.security) && op.security.length === 0;

async function setUp(): Promise<Fixture> {
  const creditor = await api.creditor('Fuzz AB');
  const inject = async (request: InjectOptions, status: number) => {
    const res = await api.app.inject({ ...request, headers: { ...creditor.auth, ...request.headers } });
    if (res.statusCode !== status) throw new Error(`fixture ${request.method} ${request.url}: ${res.statusCode} ${res.body}`);
    return res.json();
  };
  api.clock.set('2026-11-02T10:00:00Z');
  const active = await inject({ method: 'POST', url: '/v1/cases', payload: { debtor: businessDebtor(), handler: 'anna', invoices: [invoice({ dueDate: '2026-10-30' })] } }, 201);
  await inject({ method: 'POST', url: `/v1/cases/${active.id}/verify`, payload: { dueDateCorrect: true, specialTermsChecked: true, noComplaints: true, paymentMethodsWork: true } }, 200);
  const agreement = await inject(
    { method: 'POST', url: `/v1/cases/${active.id}/agreements`, payload: { kind: 'promise', instalments: [{ dueDate: '2026-11-20', amount: 125_000 }], followUpDate: '2026-11-21', fallback: { action: 'final_demand' } } },
    201,
  );
  await inject({ method: 'POST', url: `/v1/cases/${active.id}/payments`, payload: { amount: 1000, currency: 'SEK', paidOn: '2026-11-02', method: 'bank_transfer' } }, 201);
  api.clock.set('2026-11-24T08:00:00Z');
  const waiting = await inject({ method: 'POST', url: '/v1/cases', payload: { debtorId: active.debtorId, invoices: [invoice({ number: 'F-2' })] } }, 201);
  const policies = await inject({ method: 'GET', url: '/v1/policies' }, 200);
  const tasks = await inject({ method: 'GET', url: '/v1/tasks' }, 200);
  const notifications = await inject({ method: 'GET', url: `/v1/cases/${active.id}/notifications` }, 200);
  const endpoint = await inject({ method: 'POST', url: '/v1/webhook-endpoints', payload: { url: 'http://127.0.0.1:9/hook' } }, 201);
  // A spare key: revoking the fuzzing key itself would end the sweep.
  const spare = (await api.app.inject({ method: 'POST', url: `/v1/admin/creditors/${creditor.id}/api-keys`, headers: admin, payload: {} })).json();
  const expired = new Date('2026-01-01T00:00:00Z');
  const later = new Date('2027-06-01T00:00:00Z');
  return {
    auth: creditor.auth,
    ids: {
      cases: [active.id, waiting.id],
      invoice: [...active.invoices, ...waiting.invoices].map((i: { id: string }) => i.id),
      debtors: [active.debtorId],
      policies: policies.items.map((p: { id: string }) => p.id),
      agreements: [agreement.id],
      tasks: tasks.items.map((t: { id: string }) => t.id),
      notifications: notifications.items.map((n: { id: string }) => n.id),
      'webhook-endpoints': [endpoint.id],
      creditors: [creditor.id],
      'api-keys': spare.id ? [spare.id] : [],
    },
    tokens: [agreementToken(SECRET, agreement.id, later), agreementToken(SECRET, agreement.id, expired), agreementToken(SECRET, '00000000-0000-4000-8000-000000000000', later), agreementToken('another-secret-of-at-least-32-chars!!', agreement.id, later)],
  };
}

/**
 * One request for the operation: mostly malformed in some part (path, query, headers, body or
 * credentials), sometimes well-formed throughout so that the handlers themselves are exercised.
 */
function requestFor(gen: Generator, fixture: Fixture, op: Operation): fc.Arbitrary<InjectOptions> {
  const contentTypes = Object.keys(op.requestBody?.content ?? { 'application/json': {} });
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  const rightAuth = isAdmin(op) ? admin : isPublic(op) ? {} : fixture.auth;
  const wrongAuth = fc.oneof(fc.constant({}), headerText(100).map((v) => ({ authorization: v })), fc.constantFrom({ authorization: 'Bearer fdr_x_y' }, { authorization: 'Basic Zm9vOmJhcg==' }, { authorization: 'Bearer' }));
  const mode = (wellFormed: boolean) => {
    const path = fc.tuple(...pathParams.map((p) => gen.pathValue(op, p, wellFormed))).map((values) => values.reduce((url, v, i) => url.replace(`{${pathParams[i]!.name}}`, v), op.path));
    const auth = wellFormed ? fc.constant(rightAuth) : fc.oneof({ weight: 12, arbitrary: fc.constant(rightAuth) }, { weight: 1, arbitrary: wrongAuth });
    return fc.record({ path, query: gen.query(op, wellFormed), headers: gen.headers(op, contentTypes, wellFormed), auth, body: gen.body(op, contentTypes, wellFormed) });
  };
  return fc.oneof({ weight: 3, arbitrary: mode(false) }, { weight: 2, arbitrary: mode(true) }).map(({ path: url, query, headers, auth, body }) => ({
    method: op.method as InjectOptions['method'],
    url: query ? `${url}?${query}` : url,
    headers: { ...headers, ...auth },
    ...(body === undefined ? {} : { payload: body }),
  }));
}

describe('every route under generated malformed input', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await setUp();
  });

  it('answers below 500, and problem+json for every 4xx', { timeout: 300_000 }, async () => {
    const doc = api.app.swagger() as unknown as OpenApi;
    const gen = new Generator(doc, fixture);
    const ops = operations(doc).filter((op) => !REPLAY || `${op.method} ${op.path}` === REPLAY.only);
    expect(ops.length).toBeGreaterThan(REPLAY ? 0 : 50);
    const failures: string[] = [];
    const stats = new Map<string, Map<number, number>>();
    for (const op of ops) {
      const seen = new Map<number, number>();
      stats.set(`${op.method} ${op.path}`, seen);
      const property = fc.asyncProperty(requestFor(gen, fixture, op), async (request) => {
        const res = await api.app.inject(request);
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        const type = String(res.headers['content-type'] ?? '');
        const headers = Object.entries(request.headers ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(String(v).slice(0, 80))}`).join(', ');
        const sent = request.payload === undefined ? 'no body' : `body ${JSON.stringify(String(request.payload).slice(0, 300))}`;
        const label = `${request.method} ${String(request.url).slice(0, 300)} (${headers}; ${sent}) → ${res.statusCode} ${type}: ${res.body.slice(0, 300)}`;
        if (res.statusCode >= 500) throw new Error(`server error: ${label}`);
        if (res.statusCode >= 400 && !type.startsWith('application/problem+json')) throw new Error(`4xx without problem+json: ${label}`);
        if (!res.headers['x-request-id']) throw new Error(`no x-request-id: ${label}`);
      });
      const details = await fc.check(property, { numRuns: RUNS, seed: REPLAY?.seed, path: REPLAY?.path, endOnFailure: !SHRINK });
      if (details.failed) {
        const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
        const again = JSON.stringify({ seed: details.seed, path: details.counterexamplePath, only: `${op.method} ${op.path}` });
        failures.push(`${op.method} ${op.path}: ${error.slice(0, 1500)}\n  replay: REPLAY = ${again}`);
      }
    }
    if (PRINT_STATS) {
      for (const [op, seen] of stats) console.log(op.padEnd(60), [...seen].sort(([a], [b]) => a - b).map(([status, n]) => `${status}×${n}`).join(' '));
    }
    expect(failures, failures.join('\n\n')).toEqual([]);
  });
});

describe('what the sweep found, kept as plain cases', () => {
  let fixture: Fixture;
  beforeAll(async () => {
    fixture = await setUp();
  });

  it('answers URLs the router refuses (a broken escape, an over-long segment) with a validation problem', async () => {
    for (const url of ['/v1/cases/%zz', '/v1/cases/%E0%A4%A/activity', `/v1/cases/${'x'.repeat(101)}`]) {
      const res = await api.app.inject({ method: 'GET', url, headers: fixture.auth });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: '/problems/validation', errors: [{ in: 'params' }], requestId: res.headers['x-request-id'] });
    }
  });

  it('refuses a policy version beyond what the database counts, instead of failing on it', async () => {
    const [policyId] = fixture.ids.policies!;
    const res = await api.app.inject({ method: 'GET', url: `/v1/policies/${policyId}/versions/2147483648`, headers: fixture.auth });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: '/problems/validation', errors: [{ in: 'params', pointer: '/version' }] });
  });

  it('fingerprints a deeply nested body for its Idempotency-Key without running out of stack', async () => {
    const [endpointId] = fixture.ids['webhook-endpoints']!;
    const depth = 200_000;
    const request = {
      method: 'POST' as const,
      url: `/v1/webhook-endpoints/${endpointId}/test`,
      headers: { ...fixture.auth, 'content-type': 'application/json', 'idempotency-key': 'deep-body-1' },
      payload: `{"a":${'['.repeat(depth)}${']'.repeat(depth)}}`,
    };
    const first = await api.app.inject(request);
    expect(first.statusCode).toBe(202);
    const again = await api.app.inject(request);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
  });
});
