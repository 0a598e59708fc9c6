import { defineRule } from '../rules/types.js';

export const taskKeyChanged = defineRule({
  id: 'task-key-changed',
  concern: 'hash-keys',
  severity: 'breaking',
  title: 'Tuning-record key changed',
  message: 'Key of task "{subject}" changed ({baselineKey} → {candidateKey}); the text it is computed over changed',
  explain:
    'Tuning records are looked up by this key (auto_scheduler: md5 of the ComputeDAG plus shapes; MetaSchedule: structural hash of the workload). Records tuned with the baseline no longer apply to this task, so it silently falls back to an untuned schedule.',
  upgradeNote: 'Re-tune task "{subject}" of {model} ({target}): baseline records no longer apply.',
});

export const taskKeyChangedSameText = defineRule({
  id: 'task-key-changed-same-text',
  concern: 'hash-keys',
  severity: 'breaking',
  title: 'Tuning-record key changed, text unchanged',
  message: 'Key of task "{subject}" changed ({baselineKey} → {candidateKey}) although its printed text is identical; {why}',
  explain:
    'The printed workload is the same in both versions, but the key differs: the hash function changed, or the IR carries a difference the printer does not show. The record is lost where the key is what a lookup compares: auto_scheduler matches the workload key string, and MetaSchedule in v0.10 and v0.11 refuses a database whose stored hash differs from the one it computes ("ValueError: Module hash changed"). From v0.12 MetaSchedule recomputes the hash instead, and the same case is workload-hash-changed-same-text.',
  upgradeNote: 'Re-tune task "{subject}" of {model} ({target}): its key moved although the workload prints the same.',
});

export const workloadHashChangedSameText = defineRule({
  id: 'workload-hash-changed-same-text',
  concern: 'hash-keys',
  severity: 'warning',
  title: 'MetaSchedule workload hash changed, text unchanged',
  message: 'Structural hash of MetaSchedule task "{subject}" changed ({baselineKey} → {candidateKey}) although its TVMScript is identical; the candidate recomputes stored hashes, so this alone loses no record',
  explain:
    "From v0.12 (apache/tvm#14188) MetaSchedule's JSONDatabase recomputes each stored workload's structural hash when it opens a database and matches records by that hash and structural equality, so a hash that moved while the workload prints the same loses no record by itself (measured: every stored hash replaced by \"0\" still applies 3 of 3 in the same release). What does lose records is a database the candidate cannot open, or a workload that no longer compares equal: where the baseline stores records the check applies them and tuning-records-no-longer-apply gives the measured cause. Tools that key their own caches by the structural hash do see a new key.",
  upgradeNote: 'MetaSchedule task "{subject}" of {model} ({target}) has a new structural hash; databases still match it, caches keyed by the hash do not.',
});

export const taskAdded = defineRule({
  id: 'task-added',
  concern: 'hash-keys',
  severity: 'warning',
  title: 'New tuning task',
  message: 'Task "{subject}" is new: no baseline task has its key, text or name and shapes',
  explain: 'The candidate extracts a task that the baseline did not have; no existing tuning record covers it.',
  upgradeNote: 'Tune the new task "{subject}" of {model} ({target}).',
});

export const taskRemoved = defineRule({
  id: 'task-removed',
  concern: 'hash-keys',
  severity: 'breaking',
  title: 'Tuning task removed',
  message: 'Task "{subject}" of the baseline is gone from the candidate: its records no longer apply',
  explain:
    'The baseline extracted this task and the candidate has no task with its key, text, or name and shapes (in any order). Whatever computation it tuned is now done by tasks no baseline record covers, so the tuned work of this task is lost: breaking, like a moved key, whichever way the tasks pair.',
  upgradeNote: 'Re-tune {model} ({target}): the records of task "{subject}" no longer apply (the candidate no longer extracts it).',
});

export const taskWeightChanged = defineRule({
  id: 'task-weight-changed',
  concern: 'hash-keys',
  severity: 'info',
  title: 'Task weight changed',
  message: 'Weight of task "{subject}" changed from {baselineWeight} to {candidateWeight}',
  explain: 'The task occurs a different number of times in the model; tuning budgets split by weight shift.',
  upgradeNote: 'Task "{subject}" of {model} now has weight {candidateWeight} (was {baselineWeight}).',
});

export const hashKeysFailed = defineRule({
  id: 'hash-keys-failed',
  concern: 'hash-keys',
  severity: 'breaking',
  title: 'Task extraction newly fails',
  message: 'Tuning-task extraction of {model} fails in the candidate: {error}',
  explain: 'The baseline extracted tuning tasks for this model and the candidate cannot; no record can be applied.',
  upgradeNote: '{model} ({target}) cannot be tuned with the candidate: task extraction fails ({error}).',
});

export const autoSchedulerRecordsUnusable = defineRule({
  id: 'auto-scheduler-records-unusable',
  concern: 'hash-keys',
  severity: 'breaking',
  title: 'auto_scheduler records unusable',
  message: 'auto-scheduler records are unusable: the candidate has no auto_scheduler ({tasks} baseline tasks in {models} model × target pairs; the candidate tunes with {candidateKind})',
  explain:
    'The baseline tuned with auto_scheduler (Relay era). The candidate has no auto_scheduler, so every stored auto-scheduler log is unusable and the models must be re-tuned with the candidate\'s tuning system.',
  upgradeNote: 'Every auto_scheduler tuning log is unusable: re-tune with {candidateKind} ({models} model × target pairs).',
});

export const metaScheduleRecordsUnusable = defineRule({
  id: 'meta-schedule-records-unusable',
  concern: 'hash-keys',
  severity: 'breaking',
  title: 'MetaSchedule records unusable',
  message: 'MetaSchedule records of the baseline cannot be used: the candidate tunes with {candidateKind} ({tasks} baseline tasks in {models} model × target pairs)',
  explain: 'The baseline tuned with MetaSchedule on Relax; the candidate extracts tasks for another tuning system, so MetaSchedule databases do not apply.',
  upgradeNote: 'MetaSchedule databases are unusable with the candidate: re-tune with {candidateKind} ({models} model × target pairs).',
});

export const targetDefaultChanged = defineRule({
  id: 'target-default-changed',
  concern: 'hash-keys',
  severity: 'warning',
  title: 'The same target string means another target',
  message: 'Target "{subject}" is completed differently by the candidate: {changes}; {effect}',
  explain:
    "Each TVM completes a corpus target string with its own defaults (Target.export(): keys, -mtriple, the CUDA arch, thread limits). Where those differ, the same string builds other kernels, and a tuning system that matches records by target may pass them over. The candidate extracts the keys again for the baseline's completed target, so the report says how many moved keys that default explains: measured, not guessed.",
  upgradeNote: 'Target "{subject}" now means {candidateTarget} (was {baselineTarget}); pin the attributes you rely on in the target string.',
});

export const HASH_KEY_RULES = [
  taskKeyChanged,
  taskKeyChangedSameText,
  workloadHashChangedSameText,
  taskAdded,
  taskRemoved,
  taskWeightChanged,
  hashKeysFailed,
  autoSchedulerRecordsUnusable,
  metaScheduleRecordsUnusable,
  targetDefaultChanged,
];
