// Lives in src/accessToken2/, shared with the token server.
export { ByteWriter } from '../accessToken2/ByteWriter.js'
