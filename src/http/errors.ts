/**
 * The one error type of Atiende. `code` is stable (clients and tests match on it); `status` is the HTTP
 * status it maps to; `field` names the offending input when there is one.
 */
export class AppError extends Error {
  readonly status: number;
  readonly detail: string | undefined;
  readonly field: string | undefined;
  readonly extra: Record<string, unknown> | undefined;

  constructor(
    readonly code: string,
    options: { status: number; detail?: string; field?: string; extra?: Record<string, unknown> },
  ) {
    super(options.detail ? `${code}: ${options.detail}` : code);
    this.status = options.status;
    this.detail = options.detail;
    this.field = options.field;
    this.extra = options.extra;
  }
}
