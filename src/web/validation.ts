/** Request validation shared by the pages and the API: zod schemas and messages a person can act on. */
import { z } from 'zod';

/** A whole number written in digits only (no `1e3`, no sign), between min and max. */
export function wholeNumber(min: number, max: number) {
  const message = `must be a whole number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^\d{1,9}$/, { message })
    .transform(Number)
    .pipe(z.number().min(min, { message }).max(max, { message }));
}

/** Query parameters without empty values: an empty form field means "not given". */
export function nonEmptyParams(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== ''));
}

/** One sentence naming each bad parameter and its value: `Invalid date "2025-13-40": must be …`. */
export function describeIssues(error: z.ZodError, input: Record<string, unknown>): string {
  return error.issues
    .map((issue) => {
      const name = issue.path.join('.');
      if (!name) return capitalize(issue.message);
      const value = input[name];
      return typeof value === 'string'
        ? `Invalid ${name} "${value.length > 80 ? value.slice(0, 80) + '…' : value}": ${issue.message}`
        : `Invalid ${name}: ${issue.message}`;
    })
    .join('. ')
    .concat('.');
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
