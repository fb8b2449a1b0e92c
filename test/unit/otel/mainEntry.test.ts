// @vitest-environment node
import { expect, it } from 'vitest'
import { mainEntryCode } from '../../bench/bundle'

it('the main entry, bundled whole, has nothing of ./otel: no @opentelemetry import, no span name', async () => {
  const code = await mainEntryCode()
  expect(code).toContain('createSession')
  expect(code).not.toMatch(/@opentelemetry|agora\.session|agora\.token\.fetch|instrumentSession/)
}, 60_000)
