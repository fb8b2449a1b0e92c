// What a typical app imports from the package (the entry measured by `npm run bench`, Bundle).
export { createSession, createTokenStore, httpTokenSource } from '../../src/index'
