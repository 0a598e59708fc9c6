import { defineRule } from '../rules/types.js';

export const frontendImportFails = defineRule({
  id: 'frontend-import-fails',
  concern: 'frontend',
  severity: 'breaking',
  title: 'Model no longer imports',
  message: 'Model "{model}" imported in the baseline and fails in the candidate {era} frontend: {error}',
  explain: 'The frontend (ONNX or TFLite importer) of the candidate rejects a model that the baseline imported; nothing downstream can run.',
  upgradeNote: '{model} does not import with the candidate: {error}.',
});

export const frontendImportFixed = defineRule({
  id: 'frontend-import-fixed',
  concern: 'frontend',
  severity: 'info',
  title: 'Model now imports',
  message: 'Model "{model}" failed to import in the baseline ({error}) and imports in the candidate',
  explain: 'The candidate frontend accepts a model the baseline rejected.',
  upgradeNote: '{model} now imports (it failed before: {error}).',
});

export const FRONTEND_RULES = [frontendImportFails, frontendImportFixed];
