// 督导工作台: what waits for a supervisor's decision or attention. Service plans and
// closures awaiting approval (read, then approved with a note or returned saying what
// to change), overdue follow-ups, and the volunteer board.

import { useCallback, useEffect, useState } from "react";
import { FollowUpState, Purpose, type FollowUp } from "../gen/yishe/followup/v1/followup_pb";
import {
  InterventionKind,
  PlanState,
  VolunteerTaskState,
  type ServicePlan,
  type VolunteerTask,
} from "../gen/yishe/plan/v1/plan_pb";
import { ClosureOutcome, type Referral } from "../gen/yishe/referral/v1/referral_pb";
import { useSession } from "../session";
import { localTime } from "../time";
import { Failure, useAction } from "./actions";
import { Dialog } from "./Dialog";
import { patientAndBed, referralsById } from "./referrals";

interface Waiting {
  plans: ServicePlan[];
  closures: Referral[];
  overdue: FollowUp[];
  board: VolunteerTask[];
  referrals: Map<string, Referral>;
}

type Decision =
  | { kind: "plan"; approve: boolean; plan: ServicePlan }
  | { kind: "closure"; approve: boolean; referral: Referral };

export function Supervision({ changes }: { changes: number }) {
  const { clients, t, settings } = useSession();
  const [waiting, setWaiting] = useState<Waiting | null>(null);
  const [deciding, setDeciding] = useState<Decision | null>(null);
  const [note, setNote] = useState("");
  const action = useAction();

  const load = useCallback(async () => {
    const plans = (await clients.plans.listPlans({ state: PlanState.PENDING_APPROVAL, pageSize: 200 })).plans;
    const closures = (
      await clients.referrals.listReferrals({ filter: "closure_state=PENDING_APPROVAL", pageSize: 200 })
    ).referrals;
    const overdue = (
      await clients.followups.listFollowUps({ state: FollowUpState.SCHEDULED, overdueOnly: true, pageSize: 200 })
    ).followUps;
    const board = (await clients.plans.listVolunteerTasks({ board: true, pageSize: 200 })).tasks;
    const referrals = await referralsById(clients, [
      ...plans.map((p) => p.referralId),
      ...overdue.map((f) => f.referralId),
    ]);
    setWaiting({ plans, closures, overdue, board, referrals });
  }, [clients]);
  useEffect(() => {
    load().catch(action.fail);
  }, [load, changes, action.fail]);

  if (!waiting) return <p role="status">{t("loading")}</p>;
  const patientOf = (referralId: string) => patientAndBed(waiting.referrals.get(referralId));
  const decide = (decision: Decision) => {
    setNote("");
    setDeciding(decision);
  };
  const submit = () => {
    const d = deciding;
    if (!d) return;
    action.run(async () => {
      if (d.kind === "plan") {
        const request = { planId: d.plan.planId, etag: d.plan.etag, note };
        if (d.approve) await clients.plans.approvePlan(request);
        else await clients.plans.returnPlan(request);
        setDeciding(null);
        await load();
        return t(d.approve ? "done.planApproved" : "done.planReturned", { patient: patientOf(d.plan.referralId) });
      }
      const request = { referralId: d.referral.id, etag: d.referral.etag, note };
      if (d.approve) await clients.referrals.approveClosure(request);
      else await clients.referrals.returnClosure(request);
      setDeciding(null);
      await load();
      return t(d.approve ? "done.closureApproved" : "done.closureReturned", {
        patient: patientAndBed(d.referral),
      });
    });
  };
  const decisionButtons = (approve: () => void, ret: () => void) => (
    <>
      <button type="button" onClick={approve}>
        {t("action.approve")}
      </button>
      <button type="button" className="secondary" onClick={ret}>
        {t("action.return")}
      </button>
    </>
  );

  return (
    <section aria-labelledby="sup-title">
      <h1 id="sup-title">{t("nav.supervision")}</h1>
      <Failure action={action} />

      <h2>{t("sup.plans")}</h2>
      {waiting.plans.length === 0 ? (
        <p>{t("sup.noPlans")}</p>
      ) : (
        waiting.plans.map((plan) => (
          <article key={plan.planId} className="card" aria-label={patientOf(plan.referralId)}>
            <h3>
              {patientOf(plan.referralId)} · {t("plan.title", { state: t("planState.PENDING_APPROVAL") })}
            </h3>
            <p className="help">
              {t("sup.author")}：{plan.authorName} · {t("sup.submitted")}：{localTime(plan.submitTime, settings.timeZone)}
            </p>
            <h4>{t("sup.goals")}</h4>
            <ol>
              {plan.goals.map((g) => (
                <li key={g.goalId}>{g.description}</li>
              ))}
            </ol>
            <h4>{t("sup.interventions")}</h4>
            <ul>
              {plan.interventions.map((i) => (
                <li key={i.interventionId}>
                  {t(`kind.${InterventionKind[i.kind]}` as never)} · {i.description} · {i.responsibleWorkerName}
                </li>
              ))}
            </ul>
            <div className="buttons">
              {decisionButtons(
                () => decide({ kind: "plan", approve: true, plan }),
                () => decide({ kind: "plan", approve: false, plan }),
              )}
            </div>
          </article>
        ))
      )}

      <h2>{t("sup.closures")}</h2>
      {waiting.closures.length === 0 ? (
        <p>{t("sup.noClosures")}</p>
      ) : (
        <table>
          <caption className="sr-only">{t("sup.closures")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("col.patient")}</th>
              <th scope="col">{t("sup.outcome")}</th>
              <th scope="col">{t("sup.summary")}</th>
              <th scope="col">{t("sup.requestedBy")}</th>
              <th scope="col">{t("col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.closures.map((r) => (
              <tr key={r.id}>
                <th scope="row">{patientAndBed(r)}</th>
                <td>{r.closure ? t(`outcome.${ClosureOutcome[r.closure.outcome]}` as never) : ""}</td>
                <td>{r.closure?.summary}</td>
                <td>{r.closure?.requestedByName}</td>
                <td className="actions">
                  {decisionButtons(
                    () => decide({ kind: "closure", approve: true, referral: r }),
                    () => decide({ kind: "closure", approve: false, referral: r }),
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t("sup.overdue")}</h2>
      {waiting.overdue.length === 0 ? (
        <p>{t("sup.noOverdue")}</p>
      ) : (
        <table>
          <caption className="sr-only">{t("sup.overdue")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("col.patient")}</th>
              <th scope="col">{t("sup.purpose")}</th>
              <th scope="col">{t("sup.due")}</th>
              <th scope="col">{t("col.worker")}</th>
              <th scope="col">{t("sup.escalated")}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.overdue.map((f) => (
              <tr key={f.followUpId}>
                <th scope="row">{patientOf(f.referralId)}</th>
                <td>{t(`purpose.${Purpose[f.purpose]}` as never)}</td>
                <td className="overdue">{localTime(f.dueTime, settings.timeZone)}</td>
                <td>{f.assigneeName}</td>
                <td>{f.escalated ? "✓" : ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t("sup.board")}</h2>
      {waiting.board.filter((task) => task.state === VolunteerTaskState.POSTED).length === 0 ? (
        <p>{t("sup.noTasks")}</p>
      ) : (
        <table>
          <caption className="sr-only">{t("sup.board")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("sup.task")}</th>
              <th scope="col">{t("sup.place")}</th>
              <th scope="col">{t("sup.start")}</th>
              <th scope="col">{t("sup.claimBy")}</th>
              <th scope="col">{t("col.worker")}</th>
            </tr>
          </thead>
          <tbody>
            {waiting.board
              .filter((task) => task.state === VolunteerTaskState.POSTED)
              .map((task) => (
                <tr key={task.taskId}>
                  <th scope="row">{task.instructions}</th>
                  <td>{[task.ward, task.bed].filter(Boolean).join(" ")}</td>
                  <td>{localTime(task.startTime, settings.timeZone)}</td>
                  <td className={task.overdue ? "overdue" : undefined}>
                    {localTime(task.claimDeadline, settings.timeZone)}
                  </td>
                  <td>{task.supervisingWorkerName}</td>
                </tr>
              ))}
          </tbody>
        </table>
      )}

      {deciding && (
        <Dialog
          title={`${t(deciding.approve ? "action.approve" : "action.return")}：${
            deciding.kind === "plan" ? patientOf(deciding.plan.referralId) : patientAndBed(deciding.referral)
          }`}
          onClose={() => setDeciding(null)}
        >
          <form
            onSubmit={(e) => {
              e.preventDefault();
              submit();
            }}
          >
            <label htmlFor="decision-note">{t(deciding.approve ? "sup.decisionNote" : "sup.returnNote")}</label>
            <textarea
              id="decision-note"
              required={!deciding.approve}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <div className="buttons">
              <button type="submit" disabled={action.busy}>
                {t(deciding.approve ? "action.approve" : "action.return")}
              </button>
              <button type="button" className="secondary" onClick={() => setDeciding(null)}>
                {t("action.cancel")}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
