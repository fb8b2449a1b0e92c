import { bearerAuthorize, createTokenHandler } from 'agora-rtc-session/server'

const appId = '0123456789abcdef0123456789abcdef' // yours, from Agora Console
const appCertificate = 'fedcba9876543210fedcba9876543210' // yours: from your secret store, never in the browser
/** Your app's signed-in users by session token (here a Map; your own session store). */
const sessions = new Map([['alice-session', { id: 'alice', team: 'red', canHost: false }]])

export const handle = createTokenHandler({
  appId,
  appCertificate, // never in an answer or a log line
  cors: { origins: ['https://app.example'] },
  authorize: bearerAuthorize(async (token) => {
    const user = sessions.get(token) // undefined: 401
    return user && { subject: user.id, uid: user.id, channels: [`team-${user.team}-*`], role: user.canHost ? 'publisher' : 'subscriber' }
  }),
})
