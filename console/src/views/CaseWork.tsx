// The work on a case as far as the contract tells it: the service plan (its state,
// goals and interventions), the contacts (服务记录), the follow-ups, and the closure.

import { useCallback, useEffect, useState } from "react";
import {
  Channel,
  FollowUpState,
  Purpose,
  type Contact,
  type FollowUp,
} from "../gen/yishe/followup/v1/followup_pb";
import {
  InterventionKind,
  InterventionState,
  PlanState,
  type ServicePlan,
} from "../gen/yishe/plan/v1/plan_pb";
import { ClosureOutcome, ClosureState, type Referral } from "../gen/yishe/referral/v1/referral_pb";
import type { Assessment } from "../gen/yishe/assessment/v1/assessment_pb";
import { useSession } from "../session";
import { localTime } from "../time";
import type { Action } from "./actions";
import { Timeline } from "./Timeline";

interface Work {
  plan?: ServicePlan;
  contacts: Contact[];
  followUps: FollowUp[];
}

export function CaseWork({
  referral,
  assessments,
  changes,
  action,
}: {
  referral: Referral;
  assessments: Assessment[];
  changes: number;
  action: Action;
}) {
  const { clients, t, settings } = useSession();
  const [work, setWork] = useState<Work | null>(null);
  const load = useCallback(async () => {
    const plans = (await clients.plans.listPlans({ referralId: referral.id, pageSize: 10 })).plans;
    const contacts = (await clients.followups.listContacts({ referralId: referral.id, pageSize: 100 })).contacts;
    const followUps = (await clients.followups.listFollowUps({ referralId: referral.id, pageSize: 100 })).followUps;
    setWork({ plan: plans[0], contacts, followUps });
  }, [clients, referral.id]);
  // Again after a new assessment too: a risk it raised schedules a follow-up.
  useEffect(() => {
    load().catch(action.fail);
  }, [load, changes, assessments.length, action.fail]);

  if (!work) return <p role="status">{t("loading")}</p>;
  const { plan, contacts, followUps } = work;
  const closure = referral.closure;
  const when = (ts: Parameters<typeof localTime>[0]) => localTime(ts, settings.timeZone);
  return (
    <>
      <h2>{t("case.timeline")}</h2>
      <Timeline record={{ referral, assessments, plan, contacts, followUps }} />
      <h2>
        {plan ? t("plan.title", { state: t(`planState.${PlanState[plan.state]}` as never) }) : t("plan.heading")}
      </h2>
      {!plan ? (
        <p>{t("plan.none")}</p>
      ) : (
        <div className="card">
          <h3>{t("sup.goals")}</h3>
          <ol>
            {plan.goals.map((g) => (
              <li key={g.goalId}>{g.description}</li>
            ))}
          </ol>
          <h3>{t("sup.interventions")}</h3>
          <ul>
            {plan.interventions.map((i) => (
              <li key={i.interventionId}>
                {t(`kind.${InterventionKind[i.kind]}` as never)} · {i.description} ·{" "}
                {t(`interventionState.${InterventionState[i.state]}` as never)}
              </li>
            ))}
          </ul>
        </div>
      )}

      <h2>{t("case.followUps")}</h2>
      {followUps.length === 0 ? (
        <p>{t("case.noFollowUps")}</p>
      ) : (
        <ul>
          {followUps.map((f) => (
            <li key={f.followUpId} className={f.overdue ? "overdue" : undefined}>
              {when(f.dueTime)} · {t(`purpose.${Purpose[f.purpose]}` as never)} ·{" "}
              {t(`channel.${Channel[f.channel]}` as never)} · {t(`followUpState.${FollowUpState[f.state]}` as never)}
            </li>
          ))}
        </ul>
      )}

      <h2>{t("case.contacts")}</h2>
      {contacts.length === 0 ? (
        <p>{t("case.noContacts")}</p>
      ) : (
        <ul>
          {contacts.map((c) => (
            <li key={c.contactId}>
              {when(c.contactTime)} · {t(`channel.${Channel[c.channel]}` as never)} · {c.recordedByName}：{c.note}
            </li>
          ))}
        </ul>
      )}

      {closure && closure.state !== ClosureState.UNSPECIFIED && (
        <>
          <h2>{t("case.closure")}</h2>
          <p>
            {t(`closureState.${ClosureState[closure.state]}` as never)} ·{" "}
            {t(`outcome.${ClosureOutcome[closure.outcome]}` as never)} · {closure.summary}
          </p>
        </>
      )}
    </>
  );
}
