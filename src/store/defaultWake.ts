import { NEVER, filter, fromEvent, merge, type Observable } from 'rxjs'

/**
 * Wake-ups after which overdue renewals run at once: the tab became visible (background tabs
 * run timers once a minute or freeze them), the network came back, the window got focus.
 * Outside a browser it never emits.
 */
export function defaultWake$(): Observable<unknown> {
  if (typeof document === 'undefined' || typeof window === 'undefined') return NEVER
  return merge(
    fromEvent(document, 'visibilitychange').pipe(filter(() => document.visibilityState === 'visible')),
    fromEvent(window, 'online'),
    fromEvent(window, 'focus'),
  )
}
