/** What the page learns from its server: never the certificate. */
export interface DemoConfig {
  appId: string
  /** No real Agora project behind the app id: the page uses the simulated edge. */
  simulated: boolean
}

/** Reads `GET /demo/config`, served by the token server plugin (demo/server/vitePlugin.mjs). */
export async function loadConfig(): Promise<DemoConfig> {
  const response = await fetch('/demo/config', { headers: { accept: 'application/json' } })
  if (!response.ok) {
    throw new Error(`GET /demo/config answered ${response.status}: start the page with \`npm run demo\`, which serves the token server too`)
  }
  const json: unknown = await response.json()
  const config = json as Partial<DemoConfig> | null
  if (typeof config?.appId !== 'string' || typeof config.simulated !== 'boolean') {
    throw new Error('GET /demo/config did not answer {appId, simulated}')
  }
  return { appId: config.appId, simulated: config.simulated }
}
