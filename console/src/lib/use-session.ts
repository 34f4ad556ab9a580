import { useSyncExternalStore } from 'react';
import { getSession, subscribeSession } from './session';

export function useSession() {
  return useSyncExternalStore(subscribeSession, getSession);
}

export const locale = (() => {
  const wanted = typeof navigator === 'undefined' ? 'en' : navigator.language || 'en';
  return Intl.NumberFormat.supportedLocalesOf([wanted]).length ? wanted : 'en';
})();
