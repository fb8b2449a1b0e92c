// @vitest-environment node
import { describe, expect, it } from 'vitest'
import { findChromium } from './support/chromium'

describe('findChromium', () => {
  it('says where it looked and how to install one when there is none', () => {
    expect(() => findChromium({}, ['/nonexistent/chromium', '/nonexistent/chrome'])).toThrow(
      /Looked at: CHROMIUM_PATH \(not set\), \/nonexistent\/chromium, \/nonexistent\/chrome\. Install one with `apt-get install chromium`/,
    )
  })

  it('names a CHROMIUM_PATH that is not a browser', () => {
    expect(() => findChromium({ CHROMIUM_PATH: '/nonexistent/my-chrome' })).toThrow(/CHROMIUM_PATH is \/nonexistent\/my-chrome, which is not an executable file/)
  })

  it('takes CHROMIUM_PATH first', () => {
    expect(findChromium({ CHROMIUM_PATH: process.execPath }, [])).toBe(process.execPath)
  })
})
