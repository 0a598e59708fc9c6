import { defineRule } from '../rules/types.js';

export const irOpSetChanged = defineRule({
  id: 'ir-op-set-changed',
  concern: 'ir-snapshots',
  severity: 'warning',
  title: 'Operators after import changed',
  message: 'The operators of the imported {subject} IR changed: added {added}; removed {removed}',
  explain: 'The frontend now maps the model onto other operators: a frontend change that alters every later stage.',
  upgradeNote: 'The {subject} frontend maps {model} onto other operators (added {added}; removed {removed}).',
});

export const irImportChanged = defineRule({
  id: 'ir-import-changed',
  concern: 'ir-snapshots',
  severity: 'info',
  title: 'Imported IR changed',
  message: 'The imported IR of "{subject}" changed ({decision})',
  explain: 'The module the frontend produces differs (see the diff); whether it matters shows in the optimized and lowered phases.',
  upgradeNote: 'The imported IR of {model} changed.',
});

export const irGraphChanged = defineRule({
  id: 'ir-graph-changed',
  concern: 'ir-snapshots',
  severity: 'warning',
  title: 'Optimized graph changed',
  message: 'The optimized IR of "{subject}" changed ({decision})',
  explain: 'After the optimisation pipeline the function differs: a pass, fusion or layout decision changed.',
  upgradeNote: 'The optimized graph of {model} changed ({subject}).',
});

export const tirFunctionChanged = defineRule({
  id: 'tir-function-changed',
  concern: 'ir-snapshots',
  severity: 'warning',
  title: 'Lowered TIR changed',
  message: 'The lowered TIR of "{subject}" changed ({decision})',
  explain: 'The PrimFunc this operator lowers to differs: its schedule, loop nest or arithmetic changed.',
  upgradeNote: 'The lowered TIR of {subject} in {model} changed; re-validate performance and outputs.',
});

export const irFunctionAdded = defineRule({
  id: 'ir-function-added',
  concern: 'ir-snapshots',
  severity: 'info',
  title: 'IR function added',
  message: 'The {phase} IR has a new function "{subject}"',
  explain: 'A function exists in the candidate and not in the baseline at this phase (often a fusion change).',
  upgradeNote: '{model}: new {phase} function {subject}.',
});

export const irFunctionRemoved = defineRule({
  id: 'ir-function-removed',
  concern: 'ir-snapshots',
  severity: 'info',
  title: 'IR function removed',
  message: 'The {phase} function "{subject}" of the baseline is gone',
  explain: 'A function of the baseline has no counterpart by name in the candidate at this phase.',
  upgradeNote: '{model}: {phase} function {subject} is gone.',
});

export const irJsonNoLongerLoads = defineRule({
  id: 'ir-json-no-longer-loads',
  concern: 'ir-snapshots',
  severity: 'breaking',
  title: 'Serialized IR no longer loads',
  message: 'The baseline\'s serialized {subject} IR (tvm.ir.save_json) cannot be loaded by the candidate: {error}',
  explain: 'tvm.ir.load_json upgrades only a fixed list of older versions; IR saved by the baseline release and loaded by the candidate fails.',
  upgradeNote: 'IR saved with the baseline release ({subject} phase of {model}) cannot be loaded: re-export it.',
});

export const irPrinterOnlyChange = defineRule({
  id: 'ir-printer-only-change',
  concern: 'ir-snapshots',
  severity: 'info',
  title: 'Printer change only',
  message: '{functions} {subject} functions print differently ({names}), but the candidate parses the baseline\'s text into IR structurally equal to its own: printer churn, not an IR change',
  explain: 'Text diffs between releases are often the printer. The candidate parses the baseline\'s text (TVMScript, Relay text) with its own parser and compares the result with its own function by structural_equal; equal means only the printed form changed.',
  upgradeNote: 'Only the printed form of the {subject} IR of {model} changed ({names}).',
});

export const irFailed = defineRule({
  id: 'ir-failed',
  concern: 'ir-snapshots',
  severity: 'breaking',
  title: 'IR collection newly fails',
  message: 'Collecting the IR of {model} fails in the candidate: {error}',
  explain: 'The baseline optimized and lowered this model; the candidate fails at one of those phases.',
  upgradeNote: '{model} ({target}) no longer optimizes or lowers with the candidate: {error}.',
});

export const IR_RULES = [
  irOpSetChanged,
  irImportChanged,
  irGraphChanged,
  tirFunctionChanged,
  irFunctionAdded,
  irFunctionRemoved,
  irJsonNoLongerLoads,
  irPrinterOnlyChange,
  irFailed,
];
