import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { srcPath } from '../paths.js';

/** Every committed JSON schema, by $id; cross-references between them resolve through this one Ajv. */
const SCHEMA_FILES = [
  'hash-keys/schema.json',
  'ir-snapshots/schema.json',
  'artifacts/schema.json',
  'probe/snapshot.schema.json',
  'corpus/corpus.schema.json',
  'baseline/manifest.schema.json',
] as const;

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: false, strict: false });
    for (const file of SCHEMA_FILES) ajv.addSchema(JSON.parse(readFileSync(srcPath(file), 'utf8')));
  }
  return ajv;
}

export type SchemaId =
  | 'urn:tvm-compat:hash-keys'
  | 'urn:tvm-compat:ir'
  | 'urn:tvm-compat:artifacts'
  | 'urn:tvm-compat:snapshot'
  | 'urn:tvm-compat:corpus'
  | 'urn:tvm-compat:manifest';

/** One line naming the first violation by JSON path, e.g. `/stages/hash_keys/tasks/0/key must be string`. */
export function formatSchemaError(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'does not match its schema';
  const where = e.instancePath || '/';
  const allowed = e.params && 'allowedValues' in e.params ? ` (${(e.params.allowedValues as unknown[]).join(', ')})` : '';
  return `${where} ${e.message ?? 'is invalid'}${allowed}`;
}

/** Returns null when valid, else a one-line reason. */
export function validate(id: SchemaId, data: unknown): string | null {
  let fn = compiled.get(id);
  if (!fn) {
    fn = instance().getSchema(id);
    if (!fn) throw new Error(`schema ${id} is not registered`);
    compiled.set(id, fn);
  }
  return fn(data) ? null : formatSchemaError(fn.errors);
}
