import type { Decision } from '../types.ts';

/** Renders a decision and the rules behind it for a terminal. */
export function formatDecision(decision: Decision): string {
  const lines = [`${decision.allowed ? 'ALLOWED' : 'REFUSED'}  ${decision.reason}`, decision.explain];
  if (decision.next) {
    lines.push('', 'Next (what would satisfy the prompt now):');
    for (const step of decision.next) {
      const detail = step.methodIds?.join(', ') ?? step.methodKinds?.join(', ');
      lines.push(`  - ${step.kind}${detail ? `: ${detail}` : ''}`);
    }
  }
  if (decision.notices) lines.push('', `Notices: ${decision.notices.join(', ')}`);
  if (decision.effects) lines.push('', `Open sessions: ${decision.effects.sessions}`);
  lines.push('', 'Rules evaluated:');
  const width = Math.max(...decision.trace.map((entry) => entry.rule.length));
  for (const entry of decision.trace) {
    const source = entry.source && entry.source !== 'default' ? `  [${entry.source}]` : '';
    lines.push(`  ${entry.outcome.padEnd(4)}  ${entry.rule.padEnd(width)}  ${entry.detail}${source}`);
  }
  return `${lines.join('\n')}\n`;
}
