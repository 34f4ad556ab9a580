// The one table and the one "loading / failed / empty / data" switch every page uses, so markup,
// header scopes, number alignment and the states look and read the same everywhere.
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { Empty, ErrorState, Loading } from './states';

/** The header of a column of buttons: read out, not shown. */
export const ACTIONS_HEADER = <span className="sr-only">Actions</span>;

export interface Column<T> {
  /** Unique within the table (React key). */
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Right-aligned figures. */
  num?: boolean;
  /** Long text that may wrap. */
  wrap?: boolean;
}

export function DataTable<T>({
  rows,
  columns,
  rowKey,
  caption,
  captionHidden = false,
  compact = false,
  footer,
}: {
  rows: readonly T[];
  columns: ReadonlyArray<Column<T> | false | null | undefined>;
  rowKey: (row: T) => string;
  caption?: ReactNode;
  captionHidden?: boolean;
  compact?: boolean;
  /** Rows under the data (a total), in a <tfoot>. */
  footer?: ReactNode;
}) {
  const shown = columns.filter((c): c is Column<T> => !!c);
  const cellClass = (c: Column<T>) =>
    [c.num && 'num', c.wrap && 'wrap'].filter(Boolean).join(' ') || undefined;
  return (
    <div className="table-wrap">
      <table className={compact ? 'data compact' : 'data'}>
        {caption && <caption className={captionHidden ? 'sr-only' : undefined}>{caption}</caption>}
        <thead>
          <tr>
            {shown.map((c) => (
              <th key={c.key} scope="col" className={c.num ? 'num' : undefined}>
                {c.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {shown.map((c) => (
                <td key={c.key} className={cellClass(c)}>
                  {c.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        {footer && <tfoot>{footer}</tfoot>}
      </table>
    </div>
  );
}

/**
 * What a query shows: its error (with a retry) when it failed without data, a spinner until the first
 * data, `empty` when there is nothing, else `children(data)`. Stale data stays on screen while a
 * refetch runs or after a refetch failed.
 */
export function QueryView<D>({
  result,
  loading,
  empty,
  isEmpty,
  retry,
  children,
}: {
  result: { data?: D | undefined; error?: CombinedError | undefined; fetching?: boolean };
  loading: string;
  empty?: ReactNode;
  isEmpty?: (data: D) => boolean;
  retry?: () => void;
  children: (data: D) => ReactNode;
}) {
  if (result.error && !result.data) return <ErrorState error={result.error} retry={retry} />;
  if (!result.data) return <Loading label={loading} />;
  if (isEmpty?.(result.data)) return <Empty>{empty}</Empty>;
  return <>{children(result.data)}</>;
}
