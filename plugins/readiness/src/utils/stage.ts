import { ReadinessStage } from '@prodready/plugin-readiness-common';

/** "Phase 3 of 5 — Operational resilience", or "Phase 0 of 5 — no phase proven yet". */
export function stageLabel(stage: ReadinessStage | undefined): string {
  if (!stage) return '';
  return stage.reached > 0
    ? `Phase ${stage.reached} of ${stage.of} — ${stage.title}`
    : `Phase 0 of ${stage.of} — no phase proven yet`;
}
