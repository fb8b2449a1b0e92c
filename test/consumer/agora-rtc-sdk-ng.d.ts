// agora-rtc-sdk-ng's typings, as an ES module, for the consumer check under `nodenext` only.
//
// The SDK ships `export default AgoraRTC` in a .d.ts of a CommonJS package (no "type": "module",
// no .d.mts), so under node16/nodenext TypeScript types `import AgoraRTC from 'agora-rtc-sdk-ng'`
// as the whole module object (TS2339 on `AgoraRTC.createClient`): an error of the SDK's typings,
// not of this library's. Bundlers, which the SDK targets, see the default export. This file
// gives both the app and the library's declarations the SDK's own types (reached through the
// SDK's `./full` export: the same rtc-sdk_en.d.ts, a specifier `paths` does not remap).
import type { IAgoraRTC } from 'agora-rtc-sdk-ng/full'

export type * from 'agora-rtc-sdk-ng/full'
declare const AgoraRTC: IAgoraRTC
export default AgoraRTC
