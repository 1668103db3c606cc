// Services throw these; DomainErrorFilter maps them to HTTP answers. Controllers never build status codes by hand.
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden' | 'limit_exceeded' | 'unprocessable' | 'gone' | 'not_ready';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (what: string) => new DomainError('not_found', `${what} not found`);
export const conflict = (message: string) => new DomainError('conflict', message);
export const invalid = (message: string) => new DomainError('invalid', message);
export const forbidden = (message: string) => new DomainError('forbidden', message);
export const limitExceeded = (message: string) => new DomainError('limit_exceeded', message);
