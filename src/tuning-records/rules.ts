import { defineRule } from '../rules/types.js';

export const tuningRecordsNoLongerApply = defineRule({
  id: 'tuning-records-no-longer-apply',
  concern: 'tuning-records',
  severity: 'breaking',
  title: 'Tuning records no longer apply',
  message: '{applied} of {stored} tuning records of {model} made with the baseline applied in the candidate build: {cause}',
  explain:
    'The baseline tuned the heaviest tasks of this model and stored the real database. The candidate opened it the way users do (JSONDatabase + MetaScheduleApplyDatabase, or ApplyHistoryBest) and fewer tasks were dispatched to a record: those kernels silently fall back to untuned schedules.',
  upgradeNote: 'Tuning records of {model} ({target}) no longer apply ({cause}): migrate them with `compat records migrate` or re-tune.',
});

export const tuningDatabaseNoLongerLoads = defineRule({
  id: 'tuning-database-no-longer-loads',
  concern: 'tuning-records',
  severity: 'breaking',
  title: 'Tuning database no longer loads',
  message: 'The baseline\'s tuning database of {model} no longer loads in the candidate: {error}',
  explain:
    'JSONDatabase deserializes every stored workload IRModule; renamed type keys (tirx.Var → ir.Var, tirx.SBlock → s_tir.SBlock) make the whole database fail to load, so no record applies, whatever the keys.',
  upgradeNote: 'Tuning databases made with the baseline do not load ({error}): run `compat records migrate`.',
});

export const tuningRecordsRescuable = defineRule({
  id: 'tuning-records-rescuable',
  concern: 'tuning-records',
  severity: 'info',
  title: 'Tuning records rescuable',
  message: '{attached} of {records} lost records of {model} re-attach to the candidate\'s own workloads',
  explain: 'The traces of the records survive: attached to the candidate\'s workloads they replay and give schedules. `compat records migrate` writes a database the candidate opens.',
  upgradeNote: 'Run `compat records migrate --from BASELINE --tvm CANDIDATE --out DIR` to keep {attached} of {records} records of {model}.',
});

export const dependencyRangeAdmitsBroken = defineRule({
  id: 'dependency-range-admits-broken',
  concern: 'tuning-records',
  severity: 'warning',
  title: 'Declared dependency range admits a breaking version',
  message: '{package} {version} declares {dependency}{range}; the newest admitted {dependency} {admitted} breaks it: {error}',
  explain: 'An unpinned install of the release gets a dependency version it does not work with. Found by installing the newest version the declared range admits and trying it.',
  upgradeNote: 'Pin {dependency} to a working version ({working}) when installing {package} {version}.',
});

export const TUNING_RULES = [tuningRecordsNoLongerApply, tuningDatabaseNoLongerLoads, tuningRecordsRescuable, dependencyRangeAdmitsBroken];
