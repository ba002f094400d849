import { AimassError, formatValue } from '../core/errors.ts';
import type { ResolvedColumn } from './schema.ts';

/** Why a row was rejected (or, with `onBadValue: 'missing'`, why a cell was blanked). */
export type RowIssueReason =
  | 'bad-value'
  | 'field-count'
  | 'unterminated-quote'
  | 'bad-json'
  | 'not-object'
  | 'nested-value';

/** What readers do with a value their column type cannot hold. */
export type BadValuePolicy = 'reject-row' | 'missing' | 'fail';

export interface RowIssue {
  /** 1-based physical line where the row starts (CSV, NDJSON); absent for JSON arrays. */
  readonly line?: number;
  /** 1-based record number among data rows (header excluded; blank lines not counted). */
  readonly row: number;
  readonly column?: string;
  readonly value?: string;
  readonly expected?: string;
  readonly reason: RowIssueReason;
  /** Whether the row was dropped (false when the bad cell was set missing). */
  readonly rowRejected: boolean;
  readonly message: string;
}

/** A rejected row as it was read, so callers can store it (the `quarantine` of DESIGN.md). */
export interface QuarantinedRow {
  readonly line?: number;
  readonly row: number;
  readonly raw: string;
  readonly reason: RowIssueReason;
  readonly message: string;
}

export interface ReadReport {
  readonly file: string;
  readonly format: 'csv' | 'ndjson' | 'json';
  readonly rowsRead: number;
  readonly rowsAccepted: number;
  readonly rowsRejected: number;
  /** Cells set missing under `onBadValue: 'missing'`. */
  readonly valuesSetMissing: number;
  /** Rejected rows (and blanked cells) per reason. */
  readonly issuesByReason: Readonly<Partial<Record<RowIssueReason, number>>>;
  /** The first `maxRejectedExamples` issues, in file order. */
  readonly examples: readonly RowIssue[];
  /** The first `maxQuarantineRows` rejected rows; `quarantineDropped` counts the rest. */
  readonly quarantine: readonly QuarantinedRow[];
  readonly quarantineDropped: number;
  readonly blankLines: number;
  readonly bytesRead: number;
  readonly schema: readonly ResolvedColumn[];
  /** CSV only: the delimiter used (given or detected). */
  readonly delimiter?: string;
  readonly warnings: readonly string[];
  /** With `rowLines`: the line of each accepted row, in frame order (0 when the input has no lines). */
  readonly rowLines?: Int32Array;
}

export interface IssueLimits {
  maxRejectedExamples: number;
  maxQuarantineRows: number;
  onBadValue: BadValuePolicy;
  /** Keep the line of each accepted row (see `ReadReport.rowLines`). */
  rowLines?: boolean;
}

/** Collects counts, examples and quarantined rows while a reader runs. */
export class ReportBuilder {
  rowsRead = 0;
  rowsAccepted = 0;
  rowsRejected = 0;
  valuesSetMissing = 0;
  blankLines = 0;
  bytesRead = 0;
  quarantineDropped = 0;
  readonly issuesByReason: Partial<Record<RowIssueReason, number>> = {};
  readonly examples: RowIssue[] = [];
  readonly quarantine: QuarantinedRow[] = [];
  readonly warnings: string[] = [];
  private lines: Int32Array | null;

  constructor(
    readonly file: string,
    readonly format: ReadReport['format'],
    private readonly limits: IssueLimits,
  ) {
    this.lines = limits.rowLines ? new Int32Array(1024) : null;
  }

  /** Counts an accepted row (and keeps its line when asked to). */
  accept(line: number | undefined): void {
    const lines = this.lines;
    if (lines !== null) {
      if (this.rowsAccepted === lines.length) {
        this.lines = new Int32Array(lines.length * 2);
        this.lines.set(lines);
      }
      (this.lines as Int32Array)[this.rowsAccepted] = line ?? 0;
    }
    this.rowsAccepted++;
  }

  /**
   * Records an issue. With `onBadValue: 'fail'` it throws ROW_INVALID instead; a `raw` text means
   * the row was rejected (and is quarantined), no `raw` means only the cell was set missing.
   */
  issue(
    where: { line?: number; row: number },
    reason: RowIssueReason,
    detail: { column?: string; value?: string; expected?: string; message?: string },
    raw: string | null,
  ): void {
    const message = describeIssue(this.file, where.line, where.row, reason, detail);
    if (this.limits.onBadValue === 'fail') {
      throw new AimassError('ROW_INVALID', message, {
        file: this.file,
        line: where.line,
        row: where.row,
        column: detail.column,
        value: detail.value,
        expected: detail.expected,
        reason,
      });
    }
    this.issuesByReason[reason] = (this.issuesByReason[reason] ?? 0) + 1;
    const rowRejected = raw !== null;
    if (rowRejected) this.rowsRejected++;
    else this.valuesSetMissing++;
    if (this.examples.length < this.limits.maxRejectedExamples) {
      this.examples.push({ ...where, ...pickDetail(detail), reason, rowRejected, message });
    }
    if (raw !== null) {
      if (this.quarantine.length < this.limits.maxQuarantineRows) {
        this.quarantine.push({ ...where, raw, reason, message });
      } else this.quarantineDropped++;
    }
  }

  build(schema: readonly ResolvedColumn[], delimiter?: string): ReadReport {
    return {
      file: this.file,
      format: this.format,
      rowsRead: this.rowsRead,
      rowsAccepted: this.rowsAccepted,
      rowsRejected: this.rowsRejected,
      valuesSetMissing: this.valuesSetMissing,
      issuesByReason: this.issuesByReason,
      examples: this.examples,
      quarantine: this.quarantine,
      quarantineDropped: this.quarantineDropped,
      blankLines: this.blankLines,
      bytesRead: this.bytesRead,
      schema,
      ...(delimiter === undefined ? {} : { delimiter }),
      warnings: this.warnings,
      ...(this.lines === null ? {} : { rowLines: this.lines.slice(0, this.rowsAccepted) }),
    };
  }
}

function pickDetail(detail: { column?: string; value?: string; expected?: string }) {
  const out: { column?: string; value?: string; expected?: string } = {};
  if (detail.column !== undefined) out.column = detail.column;
  if (detail.value !== undefined) out.value = detail.value;
  if (detail.expected !== undefined) out.expected = detail.expected;
  return out;
}

function describeIssue(
  file: string,
  line: number | undefined,
  row: number,
  reason: RowIssueReason,
  detail: { column?: string; value?: string; expected?: string; message?: string },
): string {
  const where = line === undefined ? `${file}: row ${row}` : `${file}:${line}`;
  const column = detail.column === undefined ? '' : ` column "${detail.column}":`;
  if (reason === 'bad-value') {
    return `${where}:${column} value ${formatValue(detail.value)} is not ${detail.expected}`;
  }
  return `${where}:${column} ${detail.message ?? reason}`;
}
