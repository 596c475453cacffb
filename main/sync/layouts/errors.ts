/** A value a layout cannot carry: which record (0-based, as given), which field, and why. */
export interface LayoutError {
  record: number;
  field: string;
  error: string;
}

/** Collects field errors while a record is formatted, so one pass reports them all. */
export class FieldCheck {
  readonly errors: LayoutError[] = [];

  constructor(private readonly record: number) {}

  fail(field: string, error: string): string {
    this.errors.push({ record: this.record, field, error });
    return '';
  }
}
