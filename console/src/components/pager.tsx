// Cursor paging (Relay connections): a stack of the cursors of the pages seen, so "Previous" works
// without offsets.
import { useState } from 'react';

export function usePager(resetKey: string) {
  const [state, setState] = useState<{ key: string; cursors: Array<string | null> }>({
    key: resetKey,
    cursors: [null],
  });
  const cursors = state.key === resetKey ? state.cursors : [null];
  const after = cursors[cursors.length - 1] ?? null;
  return {
    after,
    page: cursors.length,
    next: (endCursor: string | null | undefined) =>
      endCursor && setState({ key: resetKey, cursors: [...cursors, endCursor] }),
    previous: () => setState({ key: resetKey, cursors: cursors.slice(0, -1) }),
  };
}

export function Pager({
  page,
  hasNext,
  onNext,
  onPrevious,
  total,
  noun,
}: {
  page: number;
  hasNext: boolean;
  onNext: () => void;
  onPrevious: () => void;
  total: number;
  noun: string;
}) {
  return (
    <nav className="pager" aria-label={`${noun} pages`}>
      <span>
        {total} {noun}
      </span>
      <button type="button" className="secondary" disabled={page <= 1} onClick={onPrevious}>
        Previous
      </button>
      <span>Page {page}</span>
      <button type="button" className="secondary" disabled={!hasNext} onClick={onNext}>
        Next
      </button>
    </nav>
  );
}

/** The pager under a Relay connection's page: totals and cursors come from the connection itself. */
export function ConnectionPager({
  pager,
  connection,
  noun,
}: {
  pager: ReturnType<typeof usePager>;
  connection: { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
  noun: string;
}) {
  return (
    <Pager
      page={pager.page}
      total={connection.totalCount}
      noun={noun}
      hasNext={connection.pageInfo.hasNextPage}
      onNext={() => pager.next(connection.pageInfo.endCursor)}
      onPrevious={pager.previous}
    />
  );
}
