/** The element with `data-testid="<id>"`; the page is static, so a missing one is a bug. */
export function byTestId<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.querySelector<T>(`[data-testid="${id}"]`)
  if (found === null) throw new Error(`demo page: no element with data-testid="${id}"`)
  return found
}

/** Creates an element with a class, text and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: { className?: string; text?: string; attrs?: Record<string, string> } = {},
  children: readonly Node[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag)
  if (props.className !== undefined) node.className = props.className
  if (props.text !== undefined) node.textContent = props.text
  for (const [name, value] of Object.entries(props.attrs ?? {})) node.setAttribute(name, value)
  node.append(...children)
  return node
}

/** Escapes text for SVG/HTML markup built as a string. */
export function escapeMarkup(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}

/** "42 s", "3 min 05 s": a countdown that reads at a glance. */
export function formatSeconds(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000))
  if (total < 120) return `${total} s`
  const minutes = Math.floor(total / 60)
  return `${minutes} min ${String(total % 60).padStart(2, '0')} s`
}

/** "1:05" since the page opened, for the timeline and the log. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000))
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, '0')}`
}
