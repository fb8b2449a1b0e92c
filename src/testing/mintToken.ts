// The builder lives in src/accessToken2/, shared with the token server (agora-rtc-session/server).
export { mintToken } from '../accessToken2/mintToken.js'
export type { MintPrivileges, MintTokenOptions } from '../accessToken2/mintToken.js'
