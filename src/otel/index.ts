/**
 * OpenTelemetry spans for the token lifecycle, published as `agora-rtc-session/otel`
 * (`@opentelemetry/api` 1.x, an optional peer dependency). The main entry has nothing of it.
 */
export { instrumentSession } from './instrumentSession.js'
export { instrumentTokenStore } from './instrumentTokenStore.js'
export type { InstrumentOptions } from './InstrumentOptions.js'
