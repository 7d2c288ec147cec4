import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { issueSessionFor } from '../../src/auth/login.service';
import { ROUTE_MACHINES, type Route, type TransitionRule } from '../../src/claims/route-machines';
import type { AppContext } from '../../src/context';
import type { DemoLogin } from './demo';

/**
 * The casework of the demo: a fund with restricted pots and receipts, victims with a claim in
 * every stage of every route, a State-fund payout waiting for the second administrator's
 * approval. Made through the public API only (the same checks, audit and ledger as real use),
 * so the demo can never hold a record real use could not.
 */

export interface DemoApi {
  /** One request as a signed-in user; answers the status and the parsed JSON body. */
  call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** A file upload: the raw bytes as the body, with their media type. */
  upload(
    token: string,
    path: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<{ status: number; body: any }>;
}

export interface DemoStaff {
  legalAid: string;
  fundAdmin: string;
  fundAdmin2: string;
}

export interface DemoCasework {
  fundId: string;
  victims: number;
  claims: number;
  /** `route:state` of every claim made */
  stages: string[];
  pendingDisbursementId: string | null;
}

/** Runs the express app on a loopback port of its own for the length of `work`. */
export async function withLoopbackApi<T>(
  app: { listen(port: number, host: string, cb: () => void): import('node:http').Server },
  work: (api: DemoApi) => Promise<T>,
): Promise<T> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const api: DemoApi = {
    async call(token, method, path, body) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: method.toUpperCase(),
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': crypto.randomUUID(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async upload(token, path, bytes, mediaType) {
      const res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': mediaType },
        body: bytes,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
  };
  try {
    return await work(api);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }
}

const VICTIMS = [
  { fullName: 'Aye Aye Myint', dateOfBirth: '1994-05-11', nationality: 'MM', preferredLanguage: 'my' },
  { fullName: 'Srey Pov Chan', dateOfBirth: '2010-02-20', nationality: 'KH', preferredLanguage: 'km' },
  { fullName: 'Nguyen Thi Lan', dateOfBirth: '1990-09-03', nationality: 'VN', preferredLanguage: 'vi' },
  { fullName: 'Maria Santos Reyes', dateOfBirth: '1988-12-30', nationality: 'PH', preferredLanguage: 'fil' },
  { fullName: 'Siti Rahayu', dateOfBirth: '1997-07-14', nationality: 'ID', preferredLanguage: 'id' },
  { fullName: 'Somchai Kaewkla', dateOfBirth: '1985-01-25', nationality: 'TH', preferredLanguage: 'th' },
] as const;

const HEADS_BY_ROUTE: Record<Route, Array<{ head: string; amount: string }>> = {
  civil: [
    { head: 'pain_and_suffering', amount: '150000.00' },
    { head: 'medical_expenses', amount: '35000.00' },
  ],
  labour: [{ head: 'unpaid_wages', amount: '84000.00' }],
  criminal: [
    { head: 'pain_and_suffering', amount: '100000.00' },
    { head: 'lost_opportunities', amount: '60000.00' },
  ],
  state_fund: [{ head: 'medical_expenses', amount: '40000.00' }],
};

const isoDaysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** The shortest chain of moves from a route's first state to `target` (breadth first). */
export function pathTo(route: Route, target: string): TransitionRule[] | null {
  const machine = ROUTE_MACHINES[route];
  const seen = new Map<string, TransitionRule[]>([[machine.initial, []]]);
  const queue = [machine.initial];
  while (queue.length > 0) {
    const at = queue.shift()!;
    if (at === target) return seen.get(at)!;
    for (const t of machine.transitions) {
      if (t.from !== at || seen.has(t.to) || t.requires.includes('fully_paid')) continue;
      seen.set(t.to, [...seen.get(at)!, t]);
      queue.push(t.to);
    }
  }
  return null;
}

function ok(res: { status: number; body: any }, what: string): any {
  if (res.status >= 300) throw new Error(`demo ${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function seedDemoCasework(api: DemoApi, staff: DemoStaff): Promise<DemoCasework> {
  const fund = ok(
    await api.call(staff.fundAdmin, 'post', '/v1/funds', {
      name: 'Demo Victim Assistance Fund',
      currency: 'THB',
      restrictions: [
        { code: 'medical', name: 'Medical care (donor: Demo Health Foundation)', purposes: ['medical'] },
        {
          code: 'children',
          name: 'Education for child survivors',
          purposes: ['education', 'compensation_award'],
          beneficiaries: { children: true },
        },
      ],
    }),
    'fund',
  );
  const receipts = [
    { source: 'fine', amount: '1200000.00', receivedOn: isoDaysAgo(120) },
    { source: 'confiscated_assets', amount: '2500000.00', receivedOn: isoDaysAgo(90) },
    {
      source: 'donation',
      amount: '300000.00',
      pot: 'medical',
      donor: 'Demo Health Foundation',
      receivedOn: isoDaysAgo(60),
    },
    {
      source: 'donation',
      amount: '150000.00',
      pot: 'children',
      donor: 'Demo Education Trust',
      receivedOn: isoDaysAgo(30),
    },
  ];
  for (const r of receipts)
    ok(
      await api.call(staff.fundAdmin, 'post', `/v1/funds/${fund.id}/receipts`, { currency: 'THB', ...r }),
      'receipt',
    );

  const victimIds: string[] = [];
  for (const v of VICTIMS) {
    const body = {
      ...v,
      identifiedOn: isoDaysAgo(400),
      jurisdiction: 'TH',
      ...(v.dateOfBirth > isoDaysAgo(18 * 365)
        ? { isChild: true, guardian: { name: 'Demo Guardian', relationship: 'aunt' } }
        : {}),
      contact: { phone: '+66 81 555 0100', safeToContact: true },
      consent: { shareWithFundAgency: true, contactByEmail: false },
    };
    victimIds.push(ok(await api.call(staff.legalAid, 'post', '/v1/victims', body), 'victim').id);
  }

  const stages: string[] = [];
  let n = 0;
  for (const route of Object.keys(ROUTE_MACHINES) as Route[]) {
    for (const state of Object.keys(ROUTE_MACHINES[route].states)) {
      const path = pathTo(route, state);
      if (!path) continue; // `paid` comes from the money (below), not from a move
      const victimId = victimIds[n++ % victimIds.length]!;
      await claimAt(api, staff, { route, victimId, fundId: fund.id, path });
      stages.push(`${route}:${state}`);
    }
  }

  // The money: a civil judgment paid in full moves its claim to `paid` by itself.
  const paidCivil = await claimAt(api, staff, {
    route: 'civil',
    victimId: victimIds[0]!,
    fundId: fund.id,
    path: pathTo('civil', 'judgment')!,
  });
  for (const h of HEADS_BY_ROUTE.civil)
    ok(
      await api.call(staff.legalAid, 'post', `/v1/claims/${paidCivil}/payments-received`, {
        head: h.head,
        amount: h.amount,
        receivedOn: isoDaysAgo(5),
        payer: 'perpetrator',
        paidTo: 'victim',
      }),
      'payment received',
    );
  stages.push('civil:paid');
  // The judgment as evidence: a (tiny, real) PDF, encrypted at rest like every document.
  ok(
    await api.upload(
      staff.legalAid,
      `/v1/claims/${paidCivil}/documents?kind=judgment&filename=${encodeURIComponent('demo-judgment.pdf')}`,
      demoPdf('Demo judgment: the respondent shall pay the claimant the amounts awarded.'),
      'application/pdf',
    ),
    'document',
  );

  // A decided State-fund award with its payout requested, waiting for the second administrator.
  const decided = await claimAt(api, staff, {
    route: 'state_fund',
    victimId: victimIds[2]!,
    fundId: fund.id,
    path: pathTo('state_fund', 'decided')!,
  });
  const payout = await api.call(staff.fundAdmin, 'post', '/v1/disbursements', {
    fundId: fund.id,
    victimId: victimIds[2]!,
    claimId: decided,
    purpose: 'compensation_award',
    amount: '40000.00',
    currency: 'THB',
    rationale: 'State-fund award for medical expenses, decided by the fund committee',
    channel: 'bank_transfer',
    payee: {
      accountName: VICTIMS[2].fullName,
      accountNumber: '123-4-56789-0',
      bankName: 'Demo Bank',
      country: 'TH',
    },
  });
  return {
    fundId: fund.id,
    victims: victimIds.length,
    claims: stages.length + 1,
    stages,
    pendingDisbursementId: payout.status === 201 ? (payout.body.id as string) : null,
  };
}

async function claimAt(
  api: DemoApi,
  staff: DemoStaff,
  c: { route: Route; victimId: string; fundId: string; path: TransitionRule[] },
): Promise<string> {
  const heads = HEADS_BY_ROUTE[c.route];
  const claim = ok(
    await api.call(staff.legalAid, 'post', '/v1/claims', {
      victimId: c.victimId,
      route: c.route,
      ...(c.route === 'criminal' ? { mode: 'joined_civil_claim' } : {}),
      ...(c.route === 'state_fund' ? { fundId: c.fundId } : {}),
      jurisdiction: 'TH',
      currency: 'THB',
      ...(c.route === 'state_fund'
        ? {}
        : { forum: `Demo ${c.route} court`, caseNumber: `DEMO-${crypto.randomInt(1000, 9999)}` }),
      heads,
      filedOn: isoDaysAgo(300),
    }),
    `claim (${c.route})`,
  );
  let day = 290;
  for (const step of c.path) {
    day -= 20;
    const by = step.by.includes('legal_aid') ? staff.legalAid : staff.fundAdmin;
    const body: Record<string, unknown> = { to: step.to, occurredOn: isoDaysAgo(day) };
    if (step.requires.includes('reason')) body.note = `Demo: ${step.to.replace(/_/g, ' ')}`;
    if (step.requires.includes('award')) body.award = { heads };
    if (/^(conciliation|hearing|trial|appeal)$/.test(step.to)) body.hearingOn = isoDaysAgo(-14 - (day % 30));
    ok(
      await api.call(by, 'post', `/v1/claims/${claim.id}/transitions`, body),
      `move ${c.route} → ${step.to}`,
    );
  }
  return claim.id as string;
}

/**
 * The casework for the demo logins just created: each demo user gets a session for the length
 * of the seeding, signed out again at the end. Failures are logged, never fatal (unless
 * `strict`, for tests): a demo that could not be filled still starts.
 */
export async function seedDemoCaseworkFor(
  ctx: AppContext,
  app: Parameters<typeof withLoopbackApi>[0],
  logins: readonly DemoLogin[],
  options: { strict?: boolean } = {},
): Promise<DemoCasework | null> {
  const fundAdmins = logins.filter((l) => l.role === 'fund_admin');
  const legalAid = logins.find((l) => l.role === 'legal_aid');
  if (!legalAid || fundAdmins.length < 2) return null;
  const tokens = {
    legalAid: (await issueSessionFor(ctx, legalAid.userId)).token,
    fundAdmin: (await issueSessionFor(ctx, fundAdmins[0]!.userId)).token,
    fundAdmin2: (await issueSessionFor(ctx, fundAdmins[1]!.userId)).token,
  };
  return withLoopbackApi(app, async (api) => {
    try {
      const world = await seedDemoCasework(api, tokens);
      ctx.logger.info({ claims: world.claims, victims: world.victims }, 'demo casework loaded');
      return world;
    } catch (err) {
      if (options.strict) throw err;
      ctx.logger.warn({ err }, 'demo casework could not be loaded; the demo starts without it');
      return null;
    } finally {
      for (const token of Object.values(tokens)) await api.call(token, 'post', '/v1/auth/logout', {});
    }
  });
}

/** A minimal one-page PDF showing `text` (enough for any viewer to open). */
function demoPdf(text: string): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let pdf = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(pdf));
    pdf += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(pdf);
  pdf += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) pdf += `${String(off).padStart(10, '0')} 00000 n \n`;
  pdf += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(pdf, 'latin1');
}
