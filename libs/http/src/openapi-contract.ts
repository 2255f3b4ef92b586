// SPEC S1 / issue 13: the document declares what every route can answer. @fastify/swagger writes
// each route's own schema only; this completes it once, for every service: an operationId, tags
// and a summary on every operation, the statuses the platform itself produces (validation, auth,
// rate limit, sizes Node refuses, a dependency down) and `application/problem+json` for errors.
import { STATUS_CODES } from 'node:http';
import { PROBLEM_CONTENT_TYPE, ProblemSchema } from './problem-details.js';

type Json = Record<string, any>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

function operationIdOf(method: string, path: string): string {
  const words = path
    .split('/')
    .filter((s) => s !== '' && s !== 'v1')
    .map((s) => (s.startsWith('{') ? `by-${s.slice(1, -1)}` : s))
    .join('-')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return [method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function tagOf(path: string): string {
  const parts = path.split('/').filter((s) => s !== '' && s !== 'v1' && !s.startsWith('{'));
  return parts[0] ?? 'system';
}

/** Statuses an operation can answer besides its own: those the platform produces. */
function platformStatuses(op: Json, path: string, secured: boolean): number[] {
  const statuses = [400, 414, 431, 503];
  if (secured) statuses.push(401, 403, 429);
  if (op.requestBody) statuses.push(413, 415);
  if (path.includes('{')) statuses.push(404);
  return statuses;
}

/** Completes an OpenAPI 3.1 document as described above; returns the same object. */
export function completeContract(doc: Json): Json {
  doc.components ??= {};
  doc.components.schemas ??= {};
  const schemas = doc.components.schemas as Json;
  let problemKey = Object.keys(schemas).find((k) => schemas[k]?.title === 'Problem');
  if (!problemKey) {
    problemKey = 'Problem';
    const { $id: _id, ...schema } = JSON.parse(JSON.stringify(ProblemSchema)) as Json;
    schemas[problemKey] = { ...schema, title: 'Problem' };
  }
  const problemRef = { $ref: `#/components/schemas/${problemKey}` };
  const globalSecured = Array.isArray(doc.security) && doc.security.length > 0;
  const seen = new Set<string>();
  for (const [path, item] of Object.entries((doc.paths ?? {}) as Json)) {
    for (const method of METHODS) {
      const op = item?.[method] as Json | undefined;
      if (!op) continue;
      let id = op.operationId ?? operationIdOf(method, path);
      while (seen.has(id)) id = `${id}_`;
      seen.add(id);
      op.operationId = id;
      if (!Array.isArray(op.tags) || op.tags.length === 0) op.tags = [tagOf(path)];
      op.summary ??= `${method.toUpperCase()} ${path}`;
      op.responses ??= {};
      const secured = Array.isArray(op.security) ? op.security.length > 0 : globalSecured;
      for (const status of platformStatuses(op, path, secured)) {
        op.responses[String(status)] ??= {
          description: STATUS_CODES[status] ?? 'Error',
          content: { [PROBLEM_CONTENT_TYPE]: { schema: problemRef } },
        };
      }
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (Number(status) < 400 || !response?.content?.['application/json']) continue;
        response.content[PROBLEM_CONTENT_TYPE] ??= response.content['application/json'];
        delete response.content['application/json'];
        if (response.description === 'Default Response')
          response.description = STATUS_CODES[Number(status)] ?? 'Error';
      }
    }
  }
  return doc;
}
