// The typical app entry and the React bindings together: what `./react` adds to an app (Bundle).
export { createSession, createTokenStore, httpTokenSource } from '../../src/index'
export { useChannel, useSessionEvent, useSessionState, useTokenLifetime } from '../../src/react/index'
