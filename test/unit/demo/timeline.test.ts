import { describe, expect, it } from 'vitest'
import type { SessionEvent } from '../../../src/index'
import { createTimeline, timelineLegend } from '../../../demo/timeline'

/** How many ✕ marks (the 'cross' shape) a rendered plot holds. */
const crosses = (svg: string): number => svg.match(/stroke-linecap="round"/g)?.length ?? 0

describe('demo timeline (issue 20, first hour)', () => {
  it('the legend names every colour the plot draws: also the red "failed" band', () => {
    const legend = document.createElement('div')
    legend.innerHTML = timelineLegend()
    const items = [...legend.querySelectorAll('span')].map((span) => [span.textContent, span.querySelector('rect')?.getAttribute('fill') ?? null])
    expect(items).toContainEqual(['failed', '#d64545'])
    for (const label of ['joined', 'joining, switching', 'reconnecting', 'role change', 'fetch failed']) {
      expect(items.map(([text]) => text)).toContain(label)
    }
  })

  it('a join whose token fetch failed draws a ✕ in the token-server lane, as a failed renewal does', () => {
    const timeline = createTimeline(0)
    timeline.onState({ status: 'joining', channel: 'lobby', role: 'audience' }, 1_000)
    const failedJoin: SessionEvent = { type: 'error', at: 2_000, code: 'TOKEN_FETCH_FAILED', message: 'token server at /token/generate failed (500)' }
    timeline.onEvent(failedJoin)
    timeline.onState({ status: 'failed', channel: null, role: 'audience' }, 2_000)
    expect(crosses(timeline.render(800, 3_000).svg)).toBe(1)
    expect(timeline.render(800, 3_000).svg).toContain('<title>token server at /token/generate failed (500)</title>')

    // Errors that are not a failed fetch draw none.
    timeline.onEvent({ type: 'error', at: 2_500, code: 'JOIN_TIMEOUT', message: 'no answer' })
    expect(crosses(timeline.render(800, 3_000).svg)).toBe(1)
  })
})
