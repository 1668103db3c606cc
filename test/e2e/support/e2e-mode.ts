// Which backing services this e2e run uses: the embedded defaults, or real PostgreSQL/Redis from the environment.
export type E2eMode = 'embedded' | 'services';

export function e2eMode(): E2eMode {
  return process.env.TP_E2E_MODE === 'services' ? 'services' : 'embedded';
}

/** A suite that only one mode can run, defined on that run alone (rather than reported as skipped on the other). */
export function describeOnlyIn(mode: E2eMode, name: string, suite: () => void): void {
  if (e2eMode() === mode) describe(name, suite);
}
