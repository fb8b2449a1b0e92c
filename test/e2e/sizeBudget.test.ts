// @vitest-environment node
import { expect, it } from 'vitest'
import { libraryWithKySize } from '../bench/bundle'
import { LIBRARY_WITH_KY_GZIP_BYTES, SIZE_TOLERANCE } from '../bench/sizeBudget'

it(`library + ky (min + gzip) stays within ${100 * SIZE_TOLERANCE}% of the recorded budget (test/bench/sizeBudget.ts)`, async () => {
  const { gzipBytes } = await libraryWithKySize()
  const limit = Math.floor(LIBRARY_WITH_KY_GZIP_BYTES * (1 + SIZE_TOLERANCE))
  console.info(`library + ky: ${gzipBytes} bytes min + gzip; budget ${LIBRARY_WITH_KY_GZIP_BYTES}, fails above ${limit}`)
  expect(
    gzipBytes,
    `library + ky is ${gzipBytes} bytes, over ${limit} (budget ${LIBRARY_WITH_KY_GZIP_BYTES} + ${100 * SIZE_TOLERANCE}%): ` +
      'make it smaller, or, if the growth is deliberate, record the new size in test/bench/sizeBudget.ts and say why in the commit',
  ).toBeLessThanOrEqual(limit)
})
