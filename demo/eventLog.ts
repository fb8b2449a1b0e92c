import { el, formatClock } from './dom'
import type { LogEntry } from './describeEvent'

const MAX_SHOWN = 300

/** The event log, newest first. */
export function createEventLog(list: HTMLOListElement, startedAt: number): { add(entry: LogEntry): void } {
  return {
    add: (entry) => {
      const item = el('li', { attrs: { 'data-kind': entry.kind, 'data-type': entry.type } }, [
        el('time', { text: formatClock(entry.at - startedAt) }),
        el('span', { className: 'type', text: entry.type }),
        el('span', { className: 'detail', text: entry.detail, attrs: { title: entry.detail } }),
      ])
      list.prepend(item)
      while (list.childElementCount > MAX_SHOWN) list.lastElementChild?.remove()
    },
  }
}
