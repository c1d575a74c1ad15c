import { describeIssues } from '@watchtower/protocol';
import type { z } from 'zod';
import { DomainError } from '../domain/errors.js';

/** Parses input with a protocol schema; a failure is a 400 whose hint names each bad field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new DomainError('VALIDATION_FAILED', describeIssues(parsed.error));
  return parsed.data;
}
