import { defineRule } from '../rules/types.js';

export const probeFailed = defineRule({
  id: 'probe-failed',
  concern: 'probe',
  severity: 'breaking',
  title: 'Probe failed in the candidate',
  message: 'The probe for {model} failed in the candidate before any model stage ran: {error}',
  explain:
    'The candidate crashed, timed out or could not import TVM while running this model, where the baseline ran it. A crash of the candidate is a result about the candidate, not an infrastructure failure of the check.',
  upgradeNote: '{model} ({target}) cannot be processed with the candidate: {error}.',
});

export const PROBE_RULES = [probeFailed];
