// Error bodies of the REST routes: zod issues turned into {path, message} pairs and RFC 9457
// "application/problem+json" documents, so a sender sees which field is wrong and why.
import type { z } from 'zod';

export interface FieldError {
  /** Dotted path into the body, array indexes as numbers: "printers.0.jobs.3.inkByColor.1.ml". */
  path: string;
  message: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Upper bound on errors echoed back; a body with 10,000 bad jobs must not produce a huge response. */
export const MAX_REPORTED_ERRORS = 50;

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path
    .map((segment) => (typeof segment === 'symbol' ? (segment.description ?? '') : String(segment)))
    .join('.');
}

export function formatZodIssues(error: z.ZodError, maxErrors: number = MAX_REPORTED_ERRORS): FieldError[] {
  return error.issues.slice(0, maxErrors).map((issue) => ({
    path: formatPath(issue.path),
    message: issue.message,
  }));
}

export interface ProblemDetailsInput {
  status: number;
  title: string;
  detail?: string;
  /** A URI naming the problem type; "about:blank" (RFC 9457 default) when omitted. */
  type?: string;
  errors?: FieldError[];
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldError[];
}

export function problemDetails(input: ProblemDetailsInput): ProblemDetails {
  const body: ProblemDetails = {
    type: input.type ?? 'about:blank',
    title: input.title,
    status: input.status,
  };
  if (input.detail !== undefined) body.detail = input.detail;
  if (input.errors !== undefined) body.errors = input.errors;
  return body;
}

/** A 400 problem for a body that failed schema validation. */
export function validationProblem(error: z.ZodError, detail?: string): ProblemDetails {
  const errors = formatZodIssues(error);
  const more = error.issues.length - errors.length;
  return problemDetails({
    status: 400,
    title: 'Invalid request body',
    detail:
      detail ??
      `${error.issues.length} field(s) failed validation${more > 0 ? `; the first ${errors.length} are listed` : ''}`,
    errors,
  });
}
