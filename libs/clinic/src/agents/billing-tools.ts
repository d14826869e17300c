import type { ClinicTool } from './context';

const dollars = (cents: number) => `$${(cents / 100).toFixed(2)}`;
const noArgs = { type: 'object', properties: {}, additionalProperties: false };

export const getBalance: ClinicTool = {
  spec: { name: 'get_balance', description: "The caller's outstanding balance with the clinic.", parameters: noArgs },
  async run(_args, ctx) {
    const patient = await ctx.clinic.patient(ctx.caller);
    return { result: patient ? { balance: dollars(patient.balanceCents), balanceCents: patient.balanceCents } : { balance: dollars(0), balanceCents: 0 } };
  },
};

export const getClaims: ClinicTool = {
  spec: { name: 'get_claims', description: "The caller's insurance claims and their status, newest first.", parameters: noArgs },
  async run(_args, ctx) {
    const patient = await ctx.clinic.patient(ctx.caller);
    const claims = patient ? await ctx.clinic.claims(patient.id) : [];
    return {
      result: {
        claims: claims.map((c) => ({ reference: c.reference, status: c.status, amount: dollars(c.amountCents), submittedAt: c.submittedAt.slice(0, 10) })),
      },
    };
  },
};
