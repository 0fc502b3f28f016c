import { describe, expect, it } from 'vitest';
import { approvePresence, delayPresence, denyPresence } from './presence.ts';

describe('presence approvers', () => {
  const signal = new AbortController().signal;
  it('approve and deny answer at once', () => {
    expect(approvePresence()({ kind: 'selection', signal })).toBe(true);
    expect(denyPresence()({ kind: 'selection', signal })).toBe(false);
  });
  it('delay answers later with the given answer', async () => {
    await expect(delayPresence(1, false)({ kind: 'reset', signal })).resolves.toBe(false);
    await expect(delayPresence(1)({ kind: 'reset', signal })).resolves.toBe(true);
  });
});
