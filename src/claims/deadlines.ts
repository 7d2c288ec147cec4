import { addDays, addPeriod, addYears, maxDate } from '../lib/dates';
import { stateRule, type Route } from './route-machines';
import { rulesFor, type LimitationRule } from './rules';

export type DeadlineKind = 'limitation' | 'decision' | 'appeal';

export interface Deadline {
  kind: DeadlineKind;
  dueOn: string;
  /** The day the deadline was met (filing, decision, appeal lodged); null while it runs. */
  metOn: string | null;
  basis: string;
  /** The day this deadline was first recorded (stored deadlines only; null when unknown). */
  recordedOn?: string | null;
}

/**
 * A deadline already past on the day it was recorded (a back-dated award's appeal window) was
 * never running in Redress: it is shown as such and raises no overdue alarm.
 */
export function pastWhenRecorded(d: Pick<Deadline, 'dueOn' | 'recordedOn'>): boolean {
  return !!d.recordedOn && d.dueOn < d.recordedOn;
}

export interface DeadlineInput {
  route: Route;
  jurisdiction: string;
  filedOn: string;
  causeOfActionOn: string | null;
  status: string;
  statusSince: string;
  /** Oldest first; the first entry is the creation (from null). */
  history: ReadonlyArray<{ from: string | null; to: string; occurredOn: string }>;
  victim: { isChild: boolean; dateOfBirth: string | null };
}

function limitationDue(
  rule: LimitationRule,
  cause: string,
  majorityAge: number,
  victim: DeadlineInput['victim'],
): { dueOn: string; basis: string } {
  const normal = addPeriod(cause, rule);
  const child = rule.child;
  if (!child) return { dueOn: normal, basis: rule.basis };
  if (!victim.dateOfBirth) {
    return victim.isChild
      ? {
          dueOn: normal,
          basis: `${rule.basis}. Child without a recorded birth date: the clock may start later`,
        }
      : { dueOn: normal, basis: rule.basis };
  }
  const age = child.mode === 'starts_at_majority' ? (child.age ?? majorityAge) : majorityAge;
  const majority = addYears(victim.dateOfBirth, age);
  if (cause >= majority) return { dueOn: normal, basis: rule.basis };
  if (child.mode === 'starts_at_majority') {
    const period = child.years !== undefined ? { years: child.years } : rule;
    return {
      dueOn: addPeriod(majority, period),
      basis: `${rule.basis}. Child: the clock starts at ${age}, on ${majority}`,
    };
  }
  return {
    dueOn: maxDate(normal, addYears(majority, child.years)),
    basis: `${rule.basis}. Child: not before ${child.years} year(s) after majority on ${majority}`,
  };
}

/**
 * A claim's deadlines from the jurisdiction's rules and the claim's own history. Pure: the same
 * claim always gives the same dates, so they can be stored for listing and recomputed at will.
 */
export function computeDeadlines(input: DeadlineInput): Deadline[] {
  const rules = rulesFor(input.jurisdiction);
  const route = rules.routes[input.route];
  const out: Deadline[] = [];

  if (route.limitation && input.causeOfActionOn) {
    const due = limitationDue(route.limitation, input.causeOfActionOn, rules.majorityAge, input.victim);
    out.push({ kind: 'limitation', ...due, metOn: input.filedOn });
  }

  if (route.decision) {
    const exit = input.history.find((h) => h.from !== null && !stateRule(input.route, h.to)?.beforeDecision);
    const current = stateRule(input.route, input.status);
    // Withdrawn or closed before any decision: the limit no longer matters.
    if (!exit || (exit.to !== 'withdrawn' && exit.to !== 'closed')) {
      if (exit || current?.kind === 'open') {
        out.push({
          kind: 'decision',
          dueOn: addDays(input.filedOn, route.decision.days),
          metOn: exit ? exit.occurredOn : null,
          basis: route.decision.basis,
        });
      }
    }
  }

  if (route.appeal) {
    const current = stateRule(input.route, input.status);
    const last = input.history[input.history.length - 1];
    const before = input.history[input.history.length - 2];
    if (current?.appealable) {
      out.push({
        kind: 'appeal',
        dueOn: addDays(input.statusSince, route.appeal.days),
        metOn: null,
        basis: route.appeal.basis,
      });
    } else if (
      (input.status === 'appeal' || input.status === 'review') &&
      last?.from &&
      before &&
      stateRule(input.route, last.from)?.appealable
    ) {
      out.push({
        kind: 'appeal',
        dueOn: addDays(before.occurredOn, route.appeal.days),
        metOn: last.occurredOn,
        basis: route.appeal.basis,
      });
    }
  }
  return out;
}
