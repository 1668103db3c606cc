/** What every bench returns and `npm run bench` writes to bench-results/<name>.json. */
export interface BenchResult {
  name: string;
  conditions: Record<string, unknown>;
  metrics: Record<string, number>;
  baseline?: Record<string, number>;
  ratio?: number;
}
