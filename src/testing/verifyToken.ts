// The verifier lives in src/accessToken2/, shared with the demo's token server.
export { verifyToken } from '../accessToken2/verifyToken.js'
