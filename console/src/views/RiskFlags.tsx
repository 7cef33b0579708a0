// The supervisor's open risk flags, each with its patient and worker, acknowledged
// with a note on what was done. New flags appear as the feed announces them.

import { useCallback, useEffect, useState } from "react";
import { RiskKind, type RiskFlag } from "../gen/yishe/assessment/v1/assessment_pb";
import type { Referral } from "../gen/yishe/referral/v1/referral_pb";
import { useSession } from "../session";
import { localTime } from "../time";
import { Failure, useAction } from "./actions";
import { Dialog } from "./Dialog";
import { referralsById } from "./referrals";

interface Row {
  flag: RiskFlag;
  referral?: Referral;
}

export function RiskFlags({ changes }: { changes: number }) {
  const { clients, t, settings } = useSession();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [acknowledging, setAcknowledging] = useState<Row | null>(null);
  const [note, setNote] = useState("");
  const action = useAction();

  const load = useCallback(async () => {
    const page = await clients.assessments.listRiskFlags({ openOnly: true, pageSize: 200 });
    const referrals = await referralsById(
      clients,
      page.riskFlags.map((f) => f.referralId),
    );
    setRows(page.riskFlags.map((flag) => ({ flag, referral: referrals.get(flag.referralId) })));
  }, [clients]);
  useEffect(() => {
    load().catch(action.fail);
  }, [load, changes, action.fail]);

  const patient = (row: Row) => row.referral?.patient?.name ?? "";
  if (!rows) return <p role="status">{t("loading")}</p>;
  return (
    <section aria-labelledby="risks-title">
      <h1 id="risks-title">{t("risks.title")}</h1>
      <Failure action={action} />
      {rows.length === 0 ? (
        <p>{t("empty.risks")}</p>
      ) : (
        <table>
          <caption className="sr-only">{t("risks.title")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("col.patient")}</th>
              <th scope="col">{t("col.ward")}</th>
              <th scope="col">{t("col.kind")}</th>
              <th scope="col">{t("col.worker")}</th>
              <th scope="col">{t("col.raised")}</th>
              <th scope="col">{t("col.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.flag.riskFlagId}>
                <th scope="row">{patient(row)}</th>
                <td>{[row.referral?.patient?.ward, row.referral?.patient?.bed].filter(Boolean).join(" ")}</td>
                <td className="risk">{t(`risk.${RiskKind[row.flag.kind]}` as never)}</td>
                <td>{row.referral?.assignedWorkerName}</td>
                <td>{localTime(row.flag.raiseTime, settings.timeZone)}</td>
                <td>
                  <button type="button" onClick={() => setAcknowledging(row)}>
                    {t("action.acknowledge")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {acknowledging && (
        <Dialog title={`${t("action.acknowledge")}：${patient(acknowledging)}`} onClose={() => setAcknowledging(null)}>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              const row = acknowledging;
              action.run(async () => {
                await clients.assessments.acknowledgeRiskFlag({
                  riskFlagId: row.flag.riskFlagId,
                  etag: row.flag.etag,
                  note,
                });
                setAcknowledging(null);
                setNote("");
                await load();
                return t("done.acknowledged", { patient: patient(row) });
              });
            }}
          >
            <label htmlFor="ack-note">{t("risks.note")}</label>
            <textarea
              id="ack-note"
              required
              placeholder={t("risks.notePlaceholder")}
              value={note}
              onChange={(e) => setNote(e.target.value)}
            />
            <div className="buttons">
              <button type="submit" disabled={action.busy}>
                {t("action.acknowledge")}
              </button>
              <button type="button" className="secondary" onClick={() => setAcknowledging(null)}>
                {t("action.cancel")}
              </button>
            </div>
          </form>
        </Dialog>
      )}
    </section>
  );
}
