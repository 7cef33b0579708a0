// A case's timeline, composed from what the contract tells about it: the referral's
// own moments (received, accepted, first contact, ended), each assessment, contact and
// plan decision, the follow-ups done or missed, and the closure's request and decision.
// Oldest first; each entry a message key with its parameters, said in the language of
// the moment.

import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { Assessment } from "./gen/yishe/assessment/v1/assessment_pb";
import { FollowUpState, Purpose, type Contact, type FollowUp } from "./gen/yishe/followup/v1/followup_pb";
import type { ServicePlan } from "./gen/yishe/plan/v1/plan_pb";
import { ClosureOutcome, type Referral } from "./gen/yishe/referral/v1/referral_pb";
import type { MessageKey } from "./i18n";
import { millis } from "./time";

export interface Moment {
  at: Timestamp;
  key: MessageKey;
  params: Record<string, string | number>;
}

export interface CaseRecord {
  referral: Referral;
  assessments: Assessment[];
  plan?: ServicePlan;
  contacts: Contact[];
  followUps: FollowUp[];
}

/** The case's moments, oldest first; `band` words a score's band. */
export function timeline(record: CaseRecord, band: (band: string) => string = (b) => b): Moment[] {
  const { referral: r } = record;
  const moments: Moment[] = [];
  const add = (at: Timestamp | undefined, key: MessageKey, params: Moment["params"] = {}) => {
    if (at && millis(at)) moments.push({ at, key, params });
  };
  add(r.createTime, "timeline.received", { clinician: r.referringClinician?.name ?? "" });
  add(r.acceptTime, "timeline.accepted");
  add(r.firstContactTime, "timeline.firstContact");
  for (const a of record.assessments) {
    const scores = a.responses
      .map((x) => [x.instrumentId, x.total, x.band && band(x.band)].filter((v) => v !== undefined && v !== "").join(" "))
      .join("，");
    add(a.assessTime, a.risks.length > 0 ? "timeline.assessedRisk" : "timeline.assessed", { scores });
  }
  for (const c of record.contacts) add(c.contactTime, "timeline.contact", { who: c.recordedByName, note: c.note });
  for (const f of record.followUps) {
    const purpose = `purpose.${Purpose[f.purpose]}`;
    const last = f.attempts[f.attempts.length - 1]?.attemptTime;
    if (f.state === FollowUpState.DONE) add(last ?? f.dueTime, "timeline.followUpDone", { purpose });
    if (f.state === FollowUpState.MISSED) add(last ?? f.dueTime, "timeline.followUpMissed", { purpose });
  }
  const plan = record.plan;
  if (plan) {
    add(plan.submitTime, "timeline.planSubmitted", { who: plan.authorName });
    const d = plan.decision;
    if (d) add(d.decideTime, d.approved ? "timeline.planApproved" : "timeline.planReturned", { who: d.supervisorName });
  }
  const closure = r.closure;
  if (closure) {
    const outcome = `outcome.${ClosureOutcome[closure.outcome]}`;
    add(closure.requestTime, "timeline.closureRequested", { who: closure.requestedByName, outcome });
    add(closure.decideTime, "timeline.closureDecided", { outcome });
  }
  add(r.endTime, "timeline.ended");
  return moments.sort((a, b) => (millis(a.at) ?? 0) - (millis(b.at) ?? 0));
}
