// The typical app entry and the OpenTelemetry instrumentation together: what `./otel` adds to an app (Bundle).
export { createSession, createTokenStore, httpTokenSource } from '../../src/index'
export { instrumentSession, instrumentTokenStore } from '../../src/otel/index'
