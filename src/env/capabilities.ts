import type { Capabilities } from './fingerprint.js';

export type Era = 'relay' | 'relax';

/** The tuning system whose records an environment's tasks are matched by. */
export type TuningSystem = 'auto_scheduler' | 'meta_schedule';

/**
 * The one place the era is decided, from what the environment imports (never from its version):
 * Relay era where Relay and auto_scheduler import, else Relax era where Relax does. The probe is
 * told the era; it never decides it.
 */
export function eraOf(c: Pick<Capabilities, 'relay' | 'autoScheduler' | 'relax'>): Era | null {
  if (c.relay && c.autoScheduler) return 'relay';
  return c.relax ? 'relax' : null;
}

/** The tuning system an environment's tasks are matched by. */
export function tuningSystemOf(c: Pick<Capabilities, 'relay' | 'autoScheduler' | 'relax' | 'metaSchedule'>): TuningSystem | null {
  const era = eraOf(c);
  if (era === 'relay') return 'auto_scheduler';
  return c.metaSchedule ? 'meta_schedule' : null;
}
