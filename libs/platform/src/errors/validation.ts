// Global validation: unknown fields rejected, numbers finite, and the message names the field and the reason.
import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { ValidateIf } from 'class-validator';

/**
 * The field may be left out; when present, its validators run. Unlike class-validator's @IsOptional, null is not
 * "left out": no route gives null a meaning, and a null that passed validation reached the database or the alert
 * engine as a 500 (once an alert stored with it stopped the next start).
 */
export function MayBeOmitted(): PropertyDecorator {
  return ValidateIf((_object, value) => value !== undefined);
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => new BadRequestException(flatten(errors).join('; ')),
  });
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((text) => (text.startsWith(error.property) ? `${prefix ? prefix + '.' : ''}${text}` : `${path}: ${text}`));
    return [...own, ...flatten(error.children ?? [], path)];
  });
}
