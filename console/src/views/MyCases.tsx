// 我的个案: the social worker's open cases, with patient, ward and bed, status and
// the next follow-up due (overdue in red).

import { useCallback, useEffect, useState } from "react";
import { Priority } from "../gen/yishe/common/v1/common_pb";
import { ReferralStatus, type Referral } from "../gen/yishe/referral/v1/referral_pb";
import { useSession } from "../session";
import { FollowUpState, Purpose, type FollowUp } from "../gen/yishe/followup/v1/followup_pb";
import { localTime, millis } from "../time";
import { Failure, useAction } from "./actions";
import { listAll } from "./referrals";

const open = new Set([ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS, ReferralStatus.ON_HOLD]);

export function MyCases({ changes, onOpen }: { changes: number; onOpen: (id: string) => void }) {
  const { clients, caller, t, settings } = useSession();
  const [cases, setCases] = useState<Referral[] | null>(null);
  const [next, setNext] = useState<Map<string, FollowUp>>(new Map());
  const action = useAction();
  const load = useCallback(async () => {
    // A credential without a worker record carries no cases (an empty id would
    // name the unassigned ones).
    if (!caller.socialWorkerId) {
      setCases([]);
      return;
    }
    const mine: Referral[] = [];
    for (const status of open) {
      const filter = `assigned_worker_id=${caller.socialWorkerId} AND status=${ReferralStatus[status]}`;
      mine.push(...(await listAll(clients, filter, "update_time desc")));
    }
    setCases(mine);
    // A social worker's list is their own follow-ups: the soonest per case.
    const due = await clients.followups.listFollowUps({ state: FollowUpState.SCHEDULED, pageSize: 500 });
    const soonest = new Map<string, FollowUp>();
    for (const f of due.followUps) {
      const known = soonest.get(f.referralId);
      if (!known || (millis(f.dueTime) ?? 0) < (millis(known.dueTime) ?? 0)) soonest.set(f.referralId, f);
    }
    setNext(soonest);
  }, [clients, caller.socialWorkerId]);
  useEffect(() => {
    load().catch(action.fail);
  }, [load, changes, action.fail]);

  if (!cases) return <p role="status">{t("loading")}</p>;
  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title">{t("nav.cases")}</h1>
      <Failure action={action} />
      {cases.length === 0 ? (
        <p>{t("empty.cases")}</p>
      ) : (
        <table>
          <caption className="sr-only">{t("nav.cases")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("col.patient")}</th>
              <th scope="col">{t("col.ward")}</th>
              <th scope="col">{t("col.status")}</th>
              <th scope="col">{t("col.priority")}</th>
              <th scope="col">{t("case.nextFollowUp")}</th>
            </tr>
          </thead>
          <tbody>
            {cases.map((r) => (
              <tr key={r.id}>
                <th scope="row">
                  <button type="button" className="link" onClick={() => onOpen(r.id)}>
                    {r.patient?.name}
                  </button>
                </th>
                <td>{[r.patient?.ward, r.patient?.bed].filter(Boolean).join(" ")}</td>
                <td>{t(`status.${ReferralStatus[r.status]}` as never)}</td>
                <td>{t(`priority.${Priority[r.priority]}` as never)}</td>
                <td className={next.get(r.id)?.overdue ? "overdue" : undefined}>
                  {next.get(r.id)
                    ? `${localTime(next.get(r.id)?.dueTime, settings.timeZone)} · ${t(
                        `purpose.${Purpose[next.get(r.id)?.purpose ?? 0]}` as never,
                      )}`
                    : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
