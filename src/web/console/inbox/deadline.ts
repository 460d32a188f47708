import { formatDuration } from '../../shared/format.ts';
import type { Case, DeadlineKind } from '../../shared/types.ts';

/** What the "Plazo" column says about a case, ready to be put into words by i18n. */
export type DeadlineLabel =
  | {
      tone: 'vencido' | 'por_vencer' | 'en_tiempo';
      kind: DeadlineKind;
      text: 'dueIn' | 'overdueBy';
      duration: string;
    }
  | { tone: 'pausado'; kind: DeadlineKind; text: 'paused' }
  | { tone: 'met_late'; text: 'metLate'; duration: string }
  | { tone: 'met'; text: 'metOnTime' }
  | { tone: 'none'; text: 'none' };

/**
 * The deadline that matters for a case: the nearest pending one (which one, and how long until or since
 * it fell due), or, when nothing is pending, whether its deadlines were met on time — the latest breach
 * is named, since a complaints desk must never show a late answer as a calm "met".
 */
export function deadlineLabel(item: Pick<Case, 'nearestDeadline' | 'deadlines'>, now: number): DeadlineLabel {
  const nearest = item.nearestDeadline;
  const state = nearest?.state;
  // The nearest deadline is a pending one; a met state there would mean nothing is pending.
  if (nearest && state && state !== 'atendido_a_tiempo' && state !== 'atendido_fuera_de_plazo') {
    if (state === 'pausado') return { tone: 'pausado', kind: nearest.kind, text: 'paused' };
    const remaining = new Date(nearest.dueAt).getTime() - now;
    // The server's state decides the tone; the sign of the time left, ticking on the client, the words.
    return {
      tone: state,
      kind: nearest.kind,
      text: remaining >= 0 ? 'dueIn' : 'overdueBy',
      duration: formatDuration(remaining),
    };
  }
  const met = [item.deadlines.primera_respuesta, item.deadlines.resolucion].filter((d) => d?.metAt);
  if (met.length === 0) return { tone: 'none', text: 'none' };
  const lateBy = Math.max(0, ...met.map((d) => d?.lateByMs ?? 0));
  return lateBy > 0
    ? { tone: 'met_late', text: 'metLate', duration: formatDuration(lateBy) }
    : { tone: 'met', text: 'metOnTime' };
}
