import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { srcPath } from '../paths.js';

/** The schemas that are not a concern's stage; cross-references resolve through this one Ajv. */
const SCHEMA_FILES = ['probe/snapshot.schema.json', 'corpus/corpus.schema.json', 'baseline/manifest.schema.json'] as const;

/**
 * A concern's stage schema is `src/<concern>/schema.json`, naming its stage in `x-stage`: it is
 * found there and checked wherever a snapshot holds that stage with status ok, so a new concern
 * needs no line here or in snapshot.schema.json.
 */
function stageSchemas(): { stage: string; schema: { $id: string } }[] {
  return readdirSync(srcPath(), { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(srcPath(e.name, 'schema.json')))
    .map((e) => JSON.parse(readFileSync(srcPath(e.name, 'schema.json'), 'utf8')) as { $id: string; 'x-stage': string })
    .filter((schema) => typeof schema['x-stage'] === 'string')
    .map((schema) => ({ stage: schema['x-stage'], schema }))
    .sort((a, b) => (a.stage < b.stage ? -1 : 1));
}

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({ allErrors: false, strict: false });
    const stages = stageSchemas();
    for (const { schema } of stages) ajv.addSchema(schema);
    for (const file of SCHEMA_FILES) {
      const schema = JSON.parse(readFileSync(srcPath(file), 'utf8')) as { $id: string; properties: Record<string, { properties: Record<string, unknown> }> };
      if (schema.$id === 'urn:tvm-compat:snapshot') {
        for (const { stage, schema: part } of stages) {
          schema.properties.stages!.properties[stage] = { allOf: [{ $ref: '#/definitions/stage' }, { if: { properties: { status: { const: 'ok' } } }, then: { $ref: part.$id } }] };
        }
      }
      ajv.addSchema(schema);
    }
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
