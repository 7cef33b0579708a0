// The referrals a list names by id (a plan's, a follow-up's, a flag's), each read once
// per load with GetReferral: audited as the reads they are, as for any client.

import type { Clients } from "../api";
import type { Referral } from "../gen/yishe/referral/v1/referral_pb";

export async function referralsById(clients: Clients, ids: string[]): Promise<Map<string, Referral>> {
  const found = new Map<string, Referral>();
  for (const id of new Set(ids)) {
    const answer = await clients.referrals.getReferral({ referralId: id });
    if (answer.referral) found.set(id, answer.referral);
  }
  return found;
}

/** `陈建国 · 肿瘤五区 12` */
export function patientAndBed(referral: Referral | undefined): string {
  const p = referral?.patient;
  if (!p) return "";
  const bed = [p.ward, p.bed].filter(Boolean).join(" ");
  return bed ? `${p.name} · ${bed}` : p.name;
}

/** Every referral `filter` names, page after page (up to `most`), in the list's order. */
export async function listAll(clients: Clients, filter: string, orderBy = "", most = 2000): Promise<Referral[]> {
  const all: Referral[] = [];
  let pageToken = "";
  do {
    const page = await clients.referrals.listReferrals({ filter, orderBy, pageSize: 500, pageToken });
    all.push(...page.referrals);
    pageToken = page.nextPageToken;
  } while (pageToken && all.length < most);
  return all;
}
