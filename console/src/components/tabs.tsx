// Sections of a page as tabs kept in the URL (?tab=...), so a section can be linked and survives a
// reload; an unknown or missing tab falls back to the first.
import { useSearchParams } from 'react-router-dom';

export function useTab<T extends string>(tabs: Record<T, string>): [T, (tab: T) => void] {
  const [params, setParams] = useSearchParams();
  const keys = Object.keys(tabs) as T[];
  const requested = params.get('tab');
  const tab = requested && Object.hasOwn(tabs, requested) ? (requested as T) : keys[0]!;
  return [tab, (next: T) => setParams({ tab: next })];
}

export function TabNav<T extends string>({
  label,
  tabs,
  current,
  onChange,
}: {
  label: string;
  tabs: Record<T, string>;
  current: T;
  onChange: (tab: T) => void;
}) {
  return (
    <nav className="tabs" aria-label={label}>
      {(Object.keys(tabs) as T[]).map((t) => (
        <button
          key={t}
          type="button"
          className={t === current ? 'tab active' : 'tab'}
          aria-current={t === current ? 'page' : undefined}
          onClick={() => onChange(t)}
        >
          {tabs[t]}
        </button>
      ))}
    </nav>
  );
}
