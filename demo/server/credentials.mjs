// @ts-check
import { randomBytes } from 'node:crypto'

/**
 * The app id and certificate tokens are signed with.
 * @typedef {object} Credentials
 * @property {string} appId
 * @property {string} appCertificate never sent, logged or bundled
 * @property {boolean} simulated true when made up at start: no Agora project behind them
 */

const HEX32 = /^[0-9a-f]{32}$/i

/**
 * `AGORA_APP_ID` and `AGORA_APP_CERTIFICATE` from `env`, or, when neither is set, a throwaway
 * pair (32 hex digits each, like Agora's) made up for this process: simulated mode, where tokens
 * are checked by the simulated edge only.
 * @param {Record<string, string | undefined>} env
 * @returns {Credentials}
 */
export function loadCredentials(env) {
  const appId = env['AGORA_APP_ID']?.trim() ?? ''
  const appCertificate = env['AGORA_APP_CERTIFICATE']?.trim() ?? ''
  if (appId === '' && appCertificate === '') {
    return { appId: randomBytes(16).toString('hex'), appCertificate: randomBytes(16).toString('hex'), simulated: true }
  }
  if (appId === '' || appCertificate === '') {
    throw new Error(
      `${appId === '' ? 'AGORA_APP_ID' : 'AGORA_APP_CERTIFICATE'} is not set but ${appId === '' ? 'AGORA_APP_CERTIFICATE' : 'AGORA_APP_ID'} is: ` +
        'set both (Agora Console > your project) for real tokens, or neither for simulated mode',
    )
  }
  // The certificate's value never goes into a message: only whether it has the right shape.
  if (!HEX32.test(appId)) throw new Error('AGORA_APP_ID must be 32 hex digits, as shown in Agora Console')
  if (!HEX32.test(appCertificate)) throw new Error('AGORA_APP_CERTIFICATE must be 32 hex digits, as shown in Agora Console')
  return { appId, appCertificate, simulated: false }
}
