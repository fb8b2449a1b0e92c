import { byTestId, el } from './dom'
import { FAULTS, getSettings, updateSettings, type ServerSettings } from './serverSettings'

/** What the panel reports: each change the server confirmed, and failures to change. */
export interface SettingsPanelEvents {
  changed(next: ServerSettings, patch: Partial<ServerSettings> | null): void
  failed(message: string): void
}

/**
 * The token server card: the lifetime of new tokens and the fault switches. Reads the
 * settings once, then shows what the server answers to each change.
 */
export async function mountSettingsPanel(on: SettingsPanelEvents): Promise<{ current(): ServerSettings | null }> {
  let settings: ServerSettings | null = null
  const lifetime = byTestId<HTMLSelectElement>('lifetime')
  const show = (next: ServerSettings, patch: Partial<ServerSettings> | null): void => {
    settings = next
    lifetime.value = String(next.tokenLifetimeSec)
    for (const button of buttons) button.setAttribute('aria-checked', String(button.dataset['fault'] === next.fault))
    on.changed(next, patch)
  }
  const apply = (patch: Partial<ServerSettings>): void => {
    updateSettings(patch).then(
      (next) => show(next, patch),
      (error: unknown) => on.failed(error instanceof Error ? error.message : String(error)),
    )
  }
  const buttons = FAULTS.map(({ value, label, title }) => {
    const button = el('button', {
      text: label,
      attrs: { type: 'button', role: 'radio', title, 'aria-checked': 'false', 'data-fault': value, 'data-testid': `fault-${value}` },
    })
    button.addEventListener('click', () => apply({ fault: value }))
    return button
  })
  byTestId('faults').append(...buttons)
  lifetime.addEventListener('change', () => apply({ tokenLifetimeSec: Number(lifetime.value) }))
  show(await getSettings(), null)
  return { current: () => settings }
}
