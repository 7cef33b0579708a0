// 待接单: the referrals waiting for the station, most urgent first with the time
// left to accept them; accept, or reject with a reason. A supervisor also sees the
// accepted referrals nobody carries yet and assigns them, choosing a worker by
// level and caseload against their limit (the server explains a refusal).

import { useCallback, useEffect, useState, type ReactNode } from "react";
import { Role } from "../gen/yishe/directory/v1/directory_pb";
import { CertificationLevel, type SocialWorker } from "../gen/yishe/directory/v1/directory_pb";
import { Priority } from "../gen/yishe/common/v1/common_pb";
import { RejectionReason, ReferralReason, type Referral } from "../gen/yishe/referral/v1/referral_pb";
import { byUrgency } from "../inbox";
import { useSession } from "../session";
import { timeLeft } from "../time";
import { Failure, useAction } from "./actions";
import { Dialog } from "./Dialog";
import { listAll } from "./referrals";

export function Inbox({ changes, onOpen }: { changes: number; onOpen: (id: string) => void }) {
  const { clients, caller, t, locale } = useSession();
  const isSupervisor = caller.role === Role.SUPERVISOR;
  const [waiting, setWaiting] = useState<Referral[] | null>(null);
  const [unassigned, setUnassigned] = useState<Referral[]>([]);
  const [workers, setWorkers] = useState<SocialWorker[]>([]);
  const [rejecting, setRejecting] = useState<Referral | null>(null);
  const [assigning, setAssigning] = useState<Referral | null>(null);
  const action = useAction();

  const load = useCallback(async () => {
    const requested = await listAll(clients, "status=REQUESTED");
    setWaiting(requested.sort(byUrgency));
    if (isSupervisor) {
      const accepted = await listAll(clients, "status=ACCEPTED AND assigned_worker_id=");
      setUnassigned(accepted.sort(byUrgency));
      const list = await clients.directory.listSocialWorkers({ pageSize: 500 });
      setWorkers(list.socialWorkers);
    }
  }, [clients, isSupervisor]);
  useEffect(() => {
    load().catch(action.fail);
  }, [load, changes, action.fail]);

  const now = Date.now();
  const name = (r: Referral) => r.patient?.name ?? "";
  const row = (r: Referral, actions: ReactNode) => {
    const left = timeLeft(locale, r.acceptanceDeadline, now);
    return (
      <tr key={r.id}>
        <th scope="row">
          <button type="button" className="link" onClick={() => onOpen(r.id)}>
            {name(r)}
          </button>
        </th>
        <td>{[r.patient?.ward, r.patient?.bed].filter(Boolean).join(" ")}</td>
        <td>{r.reasons.map((x) => t(`reason.${ReferralReason[x]}` as never)).join("、")}</td>
        <td>
          <span className={`priority p-${Priority[r.priority]}`}>{t(`priority.${Priority[r.priority]}` as never)}</span>
        </td>
        <td className={left?.overdue ? "overdue" : undefined}>{left?.text}</td>
        <td className="actions">{actions}</td>
      </tr>
    );
  };
  const table = (caption: string, rows: ReactNode[]) => (
    <table>
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("col.patient")}</th>
          <th scope="col">{t("col.ward")}</th>
          <th scope="col">{t("col.reasons")}</th>
          <th scope="col">{t("col.priority")}</th>
          <th scope="col">{t("col.deadline")}</th>
          <th scope="col">{t("col.actions")}</th>
        </tr>
      </thead>
      <tbody>{rows}</tbody>
    </table>
  );

  if (!waiting) return <p role="status">{t("loading")}</p>;
  return (
    <section aria-labelledby="inbox-title">
      <h1 id="inbox-title">{t("nav.inbox")}</h1>
      <Failure action={action} />
      {waiting.length === 0 ? (
        <p>{t("empty.inbox")}</p>
      ) : (
        table(
          t("nav.inbox"),
          waiting.map((r) =>
            row(
              r,
              <>
                <button
                  type="button"
                  onClick={() =>
                    action.run(async () => {
                      await clients.referrals.acceptReferral({ referralId: r.id, etag: r.etag });
                      await load();
                      return t("done.accepted", { patient: name(r) });
                    })
                  }
                >
                  {t("action.accept")}
                </button>
                <button type="button" className="secondary" onClick={() => setRejecting(r)}>
                  {t("action.reject")}
                </button>
              </>,
            ),
          ),
        )
      )}
      {isSupervisor && unassigned.length > 0 && (
        <>
          <h2>{t("action.assign")}</h2>
          {table(
            t("action.assign"),
            unassigned.map((r) =>
              row(
                r,
                <button type="button" onClick={() => setAssigning(r)}>
                  {t("action.assign")}
                </button>,
              ),
            ),
          )}
        </>
      )}
      {rejecting && (
        <RejectDialog
          referral={rejecting}
          onClose={() => setRejecting(null)}
          onReject={(reason, note) =>
            action.run(async () => {
              await clients.referrals.rejectReferral({ referralId: rejecting.id, etag: rejecting.etag, reason, note });
              setRejecting(null);
              await load();
              return t("done.rejected", { patient: name(rejecting) });
            })
          }
        />
      )}
      {assigning && (
        <AssignDialog
          referral={assigning}
          workers={workers}
          onClose={() => setAssigning(null)}
          onAssign={(worker) =>
            action.run(async () => {
              await clients.referrals.assignReferral({
                referralId: assigning.id,
                etag: assigning.etag,
                socialWorkerId: worker.id,
              });
              setAssigning(null);
              await load();
              return t("done.assigned", { patient: name(assigning), worker: worker.displayName });
            })
          }
        />
      )}
    </section>
  );
}

function RejectDialog({
  referral,
  onClose,
  onReject,
}: {
  referral: Referral;
  onClose: () => void;
  onReject: (reason: RejectionReason, note: string) => void;
}) {
  const { t } = useSession();
  const reasons = [
    RejectionReason.NOT_ELIGIBLE,
    RejectionReason.NO_CAPACITY,
    RejectionReason.OUT_OF_SCOPE,
    RejectionReason.DUPLICATE,
    RejectionReason.PATIENT_DECLINED,
    RejectionReason.PATIENT_DISCHARGED,
    RejectionReason.OTHER,
  ];
  const [reason, setReason] = useState(RejectionReason.NOT_ELIGIBLE);
  const [note, setNote] = useState("");
  return (
    <Dialog title={t("reject.title", { patient: referral.patient?.name ?? "" })} onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          onReject(reason, note);
        }}
      >
        <label htmlFor="reject-reason">{t("reject.reason")}</label>
        <select id="reject-reason" value={reason} onChange={(e) => setReason(Number(e.target.value))}>
          {reasons.map((r) => (
            <option key={r} value={r}>
              {t(`rejection.${RejectionReason[r]}` as never)}
            </option>
          ))}
        </select>
        <label htmlFor="reject-note">{t("reject.note")}</label>
        <textarea id="reject-note" value={note} onChange={(e) => setNote(e.target.value)} />
        <div className="buttons">
          <button type="submit">{t("action.reject")}</button>
          <button type="button" className="secondary" onClick={onClose}>
            {t("action.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function AssignDialog({
  referral,
  workers,
  onClose,
  onAssign,
}: {
  referral: Referral;
  workers: SocialWorker[];
  onClose: () => void;
  onAssign: (worker: SocialWorker) => void;
}) {
  const { t } = useSession();
  const active = workers.filter((w) => w.active);
  const [chosen, setChosen] = useState(active.find((w) => !w.onLeave)?.id ?? "");
  return (
    <Dialog title={t("assign.title", { patient: referral.patient?.name ?? "" })} onClose={onClose}>
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          const worker = active.find((w) => w.id === chosen);
          if (worker) onAssign(worker);
        }}
      >
        <label htmlFor="assign-worker">{t("assign.worker")}</label>
        <select id="assign-worker" value={chosen} onChange={(e) => setChosen(e.target.value)}>
          {active.map((w) => (
            <option key={w.id} value={w.id}>
              {t("assign.option", {
                name: w.displayName,
                level: t(`level.${CertificationLevel[w.certificationLevel]}` as never),
                open: w.openCases,
                limit: w.caseloadLimit,
                leave: w.onLeave ? t("assign.onLeave") : "",
              })}
            </option>
          ))}
        </select>
        <div className="buttons">
          <button type="submit">{t("action.assign")}</button>
          <button type="button" className="secondary" onClick={onClose}>
            {t("action.cancel")}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

