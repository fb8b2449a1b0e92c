/** How the demo's token server misbehaves (see demo/server/demoSettings.mjs). */
export type Fault = 'none' | 'down' | 'slow' | '500' | '429'

/** What the page can change on its token server. */
export interface ServerSettings {
  /** Tokens last min(requested, this): 60..600 s. */
  tokenLifetimeSec: number
  fault: Fault
}

/** The fault switches, in the order shown. */
export const FAULTS: readonly { value: Fault; label: string; title: string }[] = [
  { value: 'none', label: 'Healthy', title: 'Answers every token request' },
  { value: 'down', label: 'Down', title: 'Closes the connection without answering: unreachable' },
  { value: 'slow', label: 'Slow', title: 'Answers after 3 s' },
  { value: '500', label: '500', title: 'Answers 500 Internal Server Error' },
  { value: '429', label: '429', title: 'Answers 429 Too Many Requests with Retry-After: 20' },
]

async function call(init?: RequestInit): Promise<ServerSettings> {
  const response = await fetch('/demo/settings', { ...init, headers: { 'content-type': 'application/json', accept: 'application/json' } })
  const json = (await response.json()) as ServerSettings & { message?: string }
  if (!response.ok) throw new Error(json.message ?? `/demo/settings answered ${response.status}`)
  return { tokenLifetimeSec: json.tokenLifetimeSec, fault: json.fault }
}

export const getSettings = (): Promise<ServerSettings> => call()

export const updateSettings = (patch: Partial<ServerSettings>): Promise<ServerSettings> =>
  call({ method: 'POST', body: JSON.stringify(patch) })
