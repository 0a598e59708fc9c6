import type { Concern } from '../concerns/types.js';
import { FRONTEND_RULES, frontendImportFails, frontendImportFixed } from './rules.js';

/** Does the model still import? The stage every other concern needs; nothing to diff when both import. */
export const frontend: Concern = {
  id: 'frontend',
  stage: 'frontend',
  noun: 'imported module',
  collector: 'frontend/collect.py',
  needs: [],
  wanted: () => true,
  failedRule: frontendImportFails,
  fixedRule: frontendImportFixed,
  diff: () => ({ findings: [], skipped: [] }),
  rules: FRONTEND_RULES,
};
