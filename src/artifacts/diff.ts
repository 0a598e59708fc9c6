import { skip, type Skip } from '../concerns/skips.js';
import type { CompareContext, ConcernDiff } from '../concerns/types.js';
import type { Finding, RuleDefinition } from '../rules/types.js';
import {
  artifactsFailed,
  buildOutputsChanged,
  cAotNoLongerAvailable,
  codegenNotInBuild,
  modelLibraryFormatChanged,
  cSourcesNoLongerCompile,
  libraryEntryPointMissing,
  libraryNeedsNewRuntime,
  libraryNoLongerLoads,
  libraryOutputsDiffer,
  libraryRunFails,
} from './rules.js';

import { fileOf, type ArtifactsStage, type CrossLoad, type Kernels, type RelayVm } from './stage.js';

/**
 * The 2x2 matrix of one model and target, compiler x runtime, as text cells:
 * baseline x baseline and candidate x candidate from each side's own run, baseline library x
 * candidate runtime from the cross-load, candidate library x baseline runtime from the reverse load.
 */
export interface ArtifactStats {
  baselineOnBaseline: string;
  candidateOnCandidate: string;
  baselineOnCandidate: string;
  candidateOnBaseline: string;
  /** Max abs error of the baseline library's outputs in the candidate runtime, when it ran. */
  maxAbs?: number;
  /** Both sides' C/AOT flow, e.g. "2/2 → n/a". */
  c?: string;
  /** Relay era: the same four cells for the Relay VM's library, in one. */
  relayVm?: string;
}

const g = (x: number | undefined): string => (x === undefined ? '?' : String(Number(x.toPrecision(3))));

/** A side's own build and run, as a matrix cell; `other` is the other side's, for the kernels. */
function ownCell(s: ArtifactsStage, other?: ArtifactsStage): string {
  if (s.status !== 'ok') return `fails: ${s.message ?? s.status}`;
  if (s.available === false) return s.reason ?? 'not available';
  if (!s.library) return 'no library (C flow only)';
  const k = kernelsText(s.kernels, other?.kernels);
  if (s.ran === false) return `built, not run: ${s.notRunReason ?? '?'}${k}`;
  return (s.degenerate ? 'runs (outputs do not depend on the input)' : 'runs') + k;
}

/** "; 52 cuda kernels (1.98 MB of source), the same as the baseline's" — GPU builds only. */
function kernelsText(k: Kernels | undefined, other: Kernels | undefined): string {
  if (!k) return '';
  if (k.error) return `; its ${k.format} code not readable: ${k.error}`;
  const what = k.kernels !== undefined ? `${k.kernels} ${k.format} kernels` : `${k.format} code`;
  const same = other?.sha256 ? (other.sha256 === k.sha256 ? ', the same source as the other side' : ', source differs from the other side') : '';
  return `; ${what} (${((k.bytes ?? 0) / 1e6).toFixed(2)} MB of source${same})`;
}

function crossCell(library: unknown, x: CrossLoad | undefined, degenerate: boolean, whose = 'baseline'): string {
  if (!library) return `no ${whose} library`;
  if (!x) return 'not tried';
  if (x.unavailable) return `not run: ${x.unavailable}`;
  if (x.toolError) return `not tried: ${x.toolError}`;
  if (!x.loads) return `does not load: ${x.error ?? 'unknown'}`;
  if (x.noDevice) return `loads, not run: ${x.noDevice}`;
  if (x.entryPointMissing) return `loads as a bare "${x.typeKey ?? '?'}", no "${x.entryPointMissing}"`;
  if (!x.runs) return `loads, does not run: ${x.error ?? 'unknown'}`;
  if (degenerate) return `runs, max abs ${g(x.maxAbs)} (outputs do not depend on the input: not evidence)`;
  return `runs, max abs ${g(x.maxAbs)}${x.within === false ? ' (outside tolerance)' : ''}`;
}

/** A side's own Relay VM build and run, checked against its graph executor. */
function vmOwnCell(v: RelayVm | undefined): string {
  if (!v?.library) return v?.status === 'error' ? `fails: ${v.message ?? '?'}` : 'none';
  if (v.ran === false) return `built, not run: ${v.notRunReason ?? '?'}`;
  const off = (v.matchesGraph ?? []).filter((c) => !c.within);
  return off.length ? `runs, differs from the graph executor (${off.map((c) => c.mismatch ?? `max abs ${g(c.maxAbs)}`).join('; ')})` : 'runs, = graph executor';
}

/** The four compiler × runtime cells of the Relay VM's library, as one. */
function relayVmCell(base: ArtifactsStage, cand: ArtifactsStage, x: CrossLoad | undefined, r: CrossLoad | undefined, degenerate: boolean): string {
  const b = base.relayVm;
  const c = cand.relayVm;
  const onCand = b?.library ? crossCell(b.library, x, degenerate) : 'no baseline Relay VM';
  const onBase = c?.library ? (r ? crossCell(c.library, r, Boolean(cand.degenerate), 'candidate') : 'not run: no baseline runtime ran (compat diff)') : 'no candidate Relay VM';
  return `base: ${vmOwnCell(b)}; cand: ${vmOwnCell(c)}; base VM/cand rt: ${onCand}; cand VM/base rt: ${onBase}`;
}

function cCell(s: ArtifactsStage): string {
  const aot = s.c?.aot;
  if (!aot) return 'not run';
  if (!aot.available) return 'not available';
  if (!aot.builds) return 'build fails';
  const src = aot.sources ?? [];
  const open = src.filter((x) => x.compiles === null).length;
  return `${src.filter((x) => x.compiles).length}/${src.length} compile${open ? ` (${open} not decidable: ${src.find((x) => x.compiles === null)?.reason ?? '?'})` : ''}`;
}

/** The baseline's generated C compiled against the candidate's headers. */
function crossC(cand: ArtifactsStage): string {
  const x = Object.values(cand.c?.cross ?? {});
  return x.length ? `; baseline's C with candidate headers: ${x.filter((r) => r.compiles).length}/${x.length} compile` : '';
}

const list = (xs: string[] | null | undefined): string => (xs && xs.length ? xs.join(', ') : 'no blob symbol');

/** Why the baseline's runtime cannot use the candidate's library, or undefined when it can. */
function reverseFailure(r: CrossLoad, degenerate: boolean): string | undefined {
  if (!r.loads) return `does not load: ${r.error ?? 'unknown'}`;
  if (r.entryPointMissing) return `loads as a bare "${r.typeKey ?? '?'}" with no "${r.entryPointMissing}": it carries ${list(r.library?.blobSymbols)}, the baseline runtime reads ${list(r.runtimeReads)}`;
  if (!r.runs) return `loads, does not run: ${r.error ?? 'unknown'}`;
  if (r.within === false && !degenerate) return `runs, outputs differ (max abs ${g(r.maxAbs)})`;
  return undefined;
}

/** A library of the baseline (graph / Relax VM, or the Relay VM's) as the candidate's runtime loaded it: findings and skips. */
function forwardLoad(
  lib: { library?: ArtifactsStage['library']; ran?: false; notRunReason?: string; stored: boolean },
  x: CrossLoad | undefined,
  degenerate: boolean,
  subject: string,
  noun: string,
  addFinding: (rule: RuleDefinition, subject: string, args: Finding['args']) => void,
  skipped: Skip[],
): void {
  const library = subject === 'relay-vm' ? 'Relay VM library' : 'library';
  const add = (rule: RuleDefinition, subject: string, args: Finding['args']) => addFinding(rule, subject, { ...args, library });
  if (!lib.library) {
    // Nothing of the baseline to load: no library for this target (C flow only, or not available).
  } else if (lib.ran === false) {
    skipped.push(skip('not-available', { what: `running ${noun}`, reason: lib.notRunReason ?? '?', side: 'baseline' }));
  } else if (x?.toolError) {
    skipped.push(skip('cross-check-failed', { what: noun, error: x.toolError }));
  } else if (x?.loads && x.noDevice) {
    skipped.push(skip('no-device', { what: noun, reason: x.noDevice }));
  } else if (!x) {
    skipped.push(
      lib.stored
        ? skip('not-tried', { what: `loading ${noun} in the candidate runtime`, reason: 'no candidate TVM ran' })
        : skip('not-stored', { what: noun, reason: `kept as its digest only: ${lib.library?.reason ?? 'no reason recorded'}` }),
    );
  } else if (!x.loads) {
    add(libraryNoLongerLoads, subject, { error: x.error ?? 'unknown', ...(x.crash ? { crash: x.crash } : {}) });
  } else if (x.entryPointMissing) {
    add(libraryEntryPointMissing, subject, {
      entryPoint: x.entryPointMissing,
      typeKey: x.typeKey ?? '?',
      blobSymbols: list(x.library?.blobSymbols),
      runtimeReads: list(x.runtimeReads),
    });
  } else if (!x.runs) {
    add(libraryRunFails, subject, { error: x.error ?? 'unknown', ...(x.crash ? { crash: x.crash } : {}) });
  } else if (x.within === false && !degenerate) {
    add(libraryOutputsDiffer, subject === 'library' ? 'outputs' : `${subject} outputs`, { maxAbs: x.maxAbs ?? -1, maxRel: x.maxRel ?? -1 });
  }
}

/** How the artifacts of two ok stages differ. */
export function diffArtifacts(base: ArtifactsStage, cand: ArtifactsStage, ctx: CompareContext): ConcernDiff & { stats: ArtifactStats } {
  const findings: Finding[] = [];
  const skipped: Skip[] = [];
  const where = { model: ctx.model, target: ctx.target };
  const add = (rule: RuleDefinition, subject: string, args: Finding['args']) => findings.push({ rule: rule.id, severity: rule.severity, ...where, subject, args });
  // A stored candidate (--save-candidate-as) keeps the cross-load it made against its own baseline:
  // it says nothing about any other baseline.
  const against = (load: CrossLoad | undefined) => (load && (load.baseline === undefined || load.baseline === ctx.baseline.name) ? load : undefined);
  const x = against(cand.cross);
  const degenerate = Boolean(base.degenerate);

  const side = (which: 'baseline' | 'candidate', s: ArtifactsStage) => ({ what: 'a compiled library', reason: s.reason ?? '?', side: which });
  if (base.available === false) skipped.push(skip('not-available', side('baseline', base)));
  if (cand.available === false && base.available !== false) {
    if (base.library) add(codegenNotInBuild, 'library', { reason: cand.reason ?? '?' });
    else skipped.push(skip('not-available', side('candidate', cand)));
  }
  forwardLoad({ ...base, stored: Boolean(fileOf(base, base.library?.name)?.sha256) }, x, degenerate, 'library', "the baseline's library", add, skipped);
  // Relay era: the same for the Relay VM's library, where the baseline built one.
  const baseVm = base.relayVm;
  const xVm = against(cand.relayVm?.cross);
  if (baseVm?.library) {
    if (cand.relayVm?.status === 'error' && baseVm.status !== 'error') add(artifactsFailed, 'relay-vm', { error: `Relay VM: ${cand.relayVm.message ?? '?'}` });
    forwardLoad({ ...baseVm, stored: Boolean(fileOf(base, baseVm.library.name)?.sha256) }, xVm, degenerate, 'relay-vm', "the baseline's Relay VM library", add, skipped);
  }

  // The other direction: the candidate's library on the baseline's runtime (a device that keeps
  // its runtime while the compiler is upgraded). Only from a reverse load made against this baseline.
  const r = cand.reverse && cand.reverse.baseline === ctx.baseline.name ? cand.reverse : undefined;
  const reverseWhy = r && !r.unavailable && !r.toolError && !r.noDevice ? reverseFailure(r, Boolean(cand.degenerate)) : undefined;
  if (reverseWhy) add(libraryNeedsNewRuntime, 'library', { detail: reverseWhy, library: 'library' });
  // tvm-compat could not run the reverse load (its job crashed): nothing about the library is known.
  if (r?.toolError) skipped.push(skip('cross-check-failed', { what: "the candidate's library on the baseline's runtime", error: r.toolError }));
  const rVm = cand.relayVm?.reverse && cand.relayVm.reverse.baseline === ctx.baseline.name ? cand.relayVm.reverse : undefined;
  const reverseVmWhy = rVm && !rVm.unavailable && !rVm.toolError && !rVm.noDevice ? reverseFailure(rVm, Boolean(cand.degenerate)) : undefined;
  if (reverseVmWhy) add(libraryNeedsNewRuntime, 'relay-vm', { detail: reverseVmWhy, library: 'Relay VM library' });
  if (rVm?.toolError) skipped.push(skip('cross-check-failed', { what: "the candidate's Relay VM library on the baseline's runtime", error: rVm.toolError }));

  const own = x?.ownVsBaseline;
  if (own?.compared && own.within === false && !degenerate) {
    const detail = (own.outputs ?? [])
      .map((o, i) => (o.within ? '' : `output ${i}: ${o.mismatch ? `${o.mismatch}, ` : ''}max abs ${g(o.maxAbs)}`))
      .filter(Boolean)
      .join('; ');
    add(buildOutputsChanged, 'outputs', { detail, maxAbs: own.maxAbs ?? -1 });
  }

  // C / AOT: a flow the baseline had and the candidate lacks, or C that compiled and no longer does.
  const baseAot = base.c?.aot;
  const candAot = cand.c?.aot;
  if (baseAot?.available && baseAot.builds && candAot && !candAot.available) {
    add(cAotNoLongerAvailable, 'c/aot', { reason: candAot.reason ?? 'unknown' });
  }
  const bm = base.c?.mlf;
  const cm = cand.c?.mlf;
  if (bm?.available && cm) {
    const changes: string[] = [];
    if (!cm.available) changes.push(`no longer exported (${cm.reason ?? '?'})`);
    else {
      if (JSON.stringify(bm.version) !== JSON.stringify(cm.version)) changes.push(`metadata version ${JSON.stringify(bm.version)} → ${JSON.stringify(cm.version)}`);
      const gone = (bm.layout ?? []).filter((x) => !(cm.layout ?? []).includes(x));
      const added = (cm.layout ?? []).filter((x) => !(bm.layout ?? []).includes(x));
      if (gone.length || added.length) changes.push(`top-level layout ${gone.map((x) => `-${x}`).concat(added.map((x) => `+${x}`)).join(' ')}`);
    }
    if (changes.length) add(modelLibraryFormatChanged, 'c/mlf', { detail: changes.join('; ') });
  }
  if (baseAot?.builds) {
    const compiled = new Map((baseAot.sources ?? []).filter((s) => s.compiles && s.name).map((s) => [s.name as string, s]));
    for (const [name, r] of Object.entries(cand.c?.cross ?? {})) {
      if (compiled.has(name) && r.compiles === false) add(cSourcesNoLongerCompile, name, { side: "candidate's headers", error: r.errors?.[0] ?? 'unknown' });
    }
    for (const s of candAot?.sources ?? []) {
      if (s.name && compiled.has(s.name) && s.compiles === false) add(cSourcesNoLongerCompile, s.name, { side: "candidate's generated source", error: s.errors?.[0] ?? 'unknown' });
    }
  }

  const stats: ArtifactStats = {
    baselineOnBaseline: ownCell(base),
    candidateOnCandidate: ownCell(cand, base),
    // A library built where no device of its kind is (CUDA without a GPU) has no reference
    // outputs, so neither runtime is asked to run it.
    baselineOnCandidate: base.ran === false && base.library ? `not run: ${base.notRunReason ?? '?'}` : crossCell(base.library, x, degenerate),
    candidateOnBaseline:
      cand.ran === false && cand.library
        ? `not run: ${cand.notRunReason ?? '?'}`
        : r
          ? crossCell(cand.library, r, Boolean(cand.degenerate), 'candidate')
          : cand.library
            ? 'not run: no baseline runtime ran (compat diff)'
            : 'no candidate library',
    ...(x?.runs && x.maxAbs !== undefined ? { maxAbs: x.maxAbs } : {}),
    ...(base.c || cand.c ? { c: `${cCell(base)} → ${cCell(cand)}${crossC(cand)}` } : {}),
    ...(base.relayVm || cand.relayVm ? { relayVm: relayVmCell(base, cand, xVm, rVm, degenerate) } : {}),
  };
  return { findings, skipped, stats };
}
