/** A configuration problem worth stopping start-up for; `message` is the one line the operator sees. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}
