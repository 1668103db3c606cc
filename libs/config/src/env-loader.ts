import { ZodError } from 'zod';
import { ConfigError } from './config-error';
import { AppEnv, envSchema } from './env.schema';

export function loadEnv(env: NodeJS.ProcessEnv = process.env): AppEnv {
  // an empty variable counts as unset (compose's `${VAR:-}` and shells export those)
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  try {
    return envSchema.parse(present);
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    const issue = error.issues[0];
    const key = String(issue.path[0]);
    // a choice names what is allowed; zod's own enum message would list the options twice
    const reason = 'options' in issue ? `not one of the allowed values; allowed: ${(issue.options as string[]).join(', ')}` : issue.message;
    throw new ConfigError(`Invalid configuration ${key}=${env[key] === undefined ? '(unset)' : JSON.stringify(env[key])}: ${reason}`);
  }
}
