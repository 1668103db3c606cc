// Which backing services this e2e run uses: the embedded defaults, or real PostgreSQL/Redis from the environment.
export type E2eMode = 'embedded' | 'services';

export function e2eMode(): E2eMode {
  return process.env.TP_E2E_MODE === 'services' ? 'services' : 'embedded';
}
