/** What the React demo shows tests as `window.__reactDemo`: counts only, never a token. */
export interface ReactDemoHook {
  joins: number
  leaves: number
  tokenRequests: number
  switches: number
}

declare global {
  interface Window {
    __reactDemo?: ReactDemoHook
  }
}
