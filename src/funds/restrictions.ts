import type { Pot } from './funds';

/*
 * What a restricted pot may pay: a purpose it names and, when the donor or the law says so, only
 * certain people. One pure rule for commitments of awards and for disbursements alike, so that
 * money leaves a restricted pot only for a use its restriction allows.
 */

/** Who may benefit from a pot; every criterion named must hold (null: anyone). */
export interface Beneficiaries {
  /** only victims who are children */
  children?: true;
  /** only victims of one of these nationalities (ISO 3166 alpha-2) */
  nationalities?: string[];
  /** only victims enrolled in one of these programmes */
  programmes?: string[];
}

/** What the restriction is checked against: the victim's unencrypted facts. */
export interface Beneficiary {
  isChild: boolean;
  nationality: string | null;
  programmes: string[];
}

/** A use of money: what for, and for whom (null: nobody in particular — fails any beneficiary rule). */
export interface Use {
  purpose: string;
  beneficiary: Beneficiary | null;
}

export function beneficiaryOf(v: { is_child: boolean; nationality: string | null; programmes: string[] }) {
  return { isChild: v.is_child, nationality: v.nationality, programmes: v.programmes };
}

/** Why `pot` may not pay for `use`, or null when it may. Never names the person. */
export function useRefusal(pot: Pot, use: Use): string | null {
  if (!pot.purposes.includes(use.purpose))
    return `pot "${pot.code}" does not allow the purpose "${use.purpose}"`;
  const b = pot.beneficiaries;
  if (!b) return null;
  const who = use.beneficiary;
  if (b.children && !who?.isChild) return `pot "${pot.code}" pays only children`;
  if (b.nationalities && !(who?.nationality && b.nationalities.includes(who.nationality)))
    return `pot "${pot.code}" pays only nationals of ${b.nationalities.join(', ')}`;
  if (b.programmes && !who?.programmes.some((p) => b.programmes!.includes(p)))
    return `pot "${pot.code}" pays only people in the programme ${b.programmes.join(' or ')}`;
  return null;
}

export function potAllows(pot: Pot, use: Use): boolean {
  return useRefusal(pot, use) === null;
}

/**
 * The pots a use may draw on, in the order they are tried: pots named in the fund's `potOrder`
 * first, in that order; then the restricted pots that allow the use (restricted money is spent
 * on what and whom it was given for), then `unrestricted`. `reserved` (no purposes until
 * released), trust and committed pots are never picked here. A requested pot narrows the list
 * to that pot, if it may pay.
 */
export function payingPots(pots: Pot[], use: Use, potOrder: string[], requested: string | null): Pot[] {
  const allowed = pots.filter(
    (p) => (p.kind === 'restricted' || p.kind === 'unrestricted') && potAllows(p, use),
  );
  if (requested !== null) return allowed.filter((p) => p.code === requested);
  const rank = (p: Pot) => {
    const i = potOrder.indexOf(p.code);
    if (i >= 0) return i;
    return potOrder.length + (p.kind === 'restricted' ? 0 : 1);
  };
  return allowed
    .map((p, i) => ({ p, i }))
    .sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i)
    .map((x) => x.p);
}

/** Why no pot may pay for `use` (for a 409 restriction-excludes-use). */
export function noPotReason(pots: Pot[], use: Use, requested: string | null): string {
  if (requested !== null) {
    const pot = pots.find((p) => p.code === requested);
    if (!pot) return `there is no pot "${requested}"`;
    if (pot.kind !== 'restricted' && pot.kind !== 'unrestricted')
      return `pot "${pot.code}" is never drawn on for this`;
    return useRefusal(pot, use) ?? `pot "${pot.code}" may not pay for this`;
  }
  const excluded = pots
    .filter((p) => p.kind === 'restricted' && p.purposes.includes(use.purpose))
    .map((p) => useRefusal(p, use))
    .filter((r): r is string => r !== null);
  return excluded.length === 0
    ? `no pot of this fund allows the purpose "${use.purpose}"`
    : `no pot of this fund may pay for "${use.purpose}" for this beneficiary (${excluded.join('; ')})`;
}

/** Whether every person `to` may pay is one `from` may pay (money keeps its restriction). */
export function atLeastAsNarrow(to: Beneficiaries | null, from: Beneficiaries | null): boolean {
  if (!from) return true;
  if (!to) return false;
  const within = (narrow?: string[], wide?: string[]) =>
    wide === undefined || (narrow !== undefined && narrow.every((x) => wide.includes(x)));
  return (
    (!from.children || to.children === true) &&
    within(to.nationalities, from.nationalities) &&
    within(to.programmes, from.programmes)
  );
}

/**
 * Restricted money stays restricted: out of a restricted pot only into another restricted pot
 * whose purposes are all allowed by the source and whose beneficiaries are all people the
 * source may pay (never via `reserved` or `unrestricted`).
 * Returns why a transfer is refused, or null.
 */
export function transferRefusal(from: Pot, to: Pot): string | null {
  if (from.code === to.code) return 'from and to must be different pots';
  // Committed money moves only with the award it is committed to (decision, review, payment).
  if (from.kind === 'committed' || to.kind === 'committed')
    return 'a committed pot changes only when its award is decided, reviewed or paid';
  if (from.kind === 'trust')
    return `pot "${from.code}" is held in trust for one victim and is paid only to them`;
  if (from.kind !== 'restricted') return null;
  const within =
    to.kind === from.kind && to.purposes.length > 0 && to.purposes.every((p) => from.purposes.includes(p));
  if (!within)
    return `pot "${from.code}" is restricted to ${from.purposes.join(', ')}; its money may only move to a pot restricted to some of those purposes`;
  return atLeastAsNarrow(to.beneficiaries, from.beneficiaries)
    ? null
    : `pot "${from.code}" pays only some beneficiaries; its money may only move to a pot restricted to the same people or fewer`;
}
