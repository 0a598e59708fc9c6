/**
 * Parses the one string form every command uses to name a TVM environment.
 * Parsing is pure: existence checks happen when the spec is resolved.
 */
import path from 'node:path';
import { UsageError } from '../errors.js';

/** A parsed environment spec; `raw` is always the string the user typed. */
export type EnvSpec =
  | {
      kind: 'release';
      /** The string as typed, e.g. "v0.19". */
      raw: string;
      /** The version as typed without a leading "v", e.g. "0.19" or "0.19.0". */
      version: string;
    }
  | {
      kind: 'pip';
      raw: string;
      /** pip requirement strings, in the order given. */
      requirements: string[];
    }
  | {
      kind: 'python';
      raw: string;
      /** Absolute path of an interpreter that already has TVM. */
      python: string;
    }
  | {
      kind: 'checkout';
      raw: string;
      /** Absolute path of a TVM source tree with a build/ folder. */
      dir: string;
    }
  | {
      kind: 'container';
      raw: string;
      /** Which runtime the prefix named; `--container-cli` may still pick another binary. */
      runtime: ContainerRuntime;
      /** Image reference as given: a tag ("tvm-compat/tvm:0.19.0-…"), a name, or an image id. */
      image: string;
    };

export type ContainerRuntime = 'docker' | 'podman';

export const ACCEPTED_FORMS =
  'vX.Y[.Z] (a release), pip:REQ[,REQ…], python:/path/to/python, checkout:DIR, docker:IMAGE, podman:IMAGE';

const RELEASE_RE = /^v?(\d+\.\d+(?:\.\d+)?)$/;
/** An image reference: [registry[:port]/]name[:tag][@digest], or a bare image id; no spaces or shell-looking characters. */
const IMAGE_RE = /^[a-z0-9][a-z0-9._\-/:@]*$/i;
/** A comma-separated piece starting with one of these continues the previous requirement ("numpy>=1,<2"). */
const SPECIFIER_START_RE = /^(?:[<>=!~]|===)/;

function bad(raw: string, why: string): UsageError {
  return new UsageError(`invalid environment spec "${raw}": ${why}; accepted forms: ${ACCEPTED_FORMS}`);
}

export function parseEnvSpec(raw: string): EnvSpec {
  const text = raw.trim();
  if (text === '') throw bad(raw, 'empty');

  const release = RELEASE_RE.exec(text);
  if (release) return { kind: 'release', raw, version: release[1]! };

  const colon = text.indexOf(':');
  if (colon < 0) throw bad(raw, 'not a release version and no known prefix');
  const prefix = text.slice(0, colon);
  const rest = text.slice(colon + 1).trim();

  switch (prefix) {
    case 'pip': {
      const requirements = splitRequirements(rest);
      if (requirements.length === 0) throw bad(raw, 'pip: needs at least one requirement');
      const option = requirements.find((r) => r.startsWith('-'));
      if (option) throw bad(raw, `pip: takes requirements, not installer options ("${option}")`);
      return { kind: 'pip', raw, requirements };
    }
    case 'python':
      if (rest === '') throw bad(raw, 'python: needs an interpreter path');
      return { kind: 'python', raw, python: path.resolve(rest) };
    case 'checkout':
      if (rest === '') throw bad(raw, 'checkout: needs a directory');
      return { kind: 'checkout', raw, dir: path.resolve(rest) };
    case 'docker':
    case 'podman':
      if (rest === '') throw bad(raw, `${prefix}: needs an image`);
      // A leading "-" would reach the container CLI as an option.
      if (!IMAGE_RE.test(rest)) throw bad(raw, `${prefix}: "${rest}" is not an image reference`);
      return { kind: 'container', raw, runtime: prefix, image: rest };
    default:
      throw bad(raw, `unknown prefix "${prefix}:"`);
  }
}

/** Splits "a==1,b>=1,<2,c" into ["a==1", "b>=1,<2", "c"]. */
export function splitRequirements(list: string): string[] {
  const out: string[] = [];
  for (const piece of list.split(',').map((p) => p.trim())) {
    if (piece === '') continue;
    if (SPECIFIER_START_RE.test(piece) && out.length > 0) out[out.length - 1] += `,${piece}`;
    else out.push(piece);
  }
  return out;
}
