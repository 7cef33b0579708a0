// A case: the referral as the station reads it, its assessments with scores and
// bands, each instrument's scores over time as a small chart, and a new assessment.

import { useCallback, useEffect, useState } from "react";
import { Priority } from "../gen/yishe/common/v1/common_pb";
import type { Assessment } from "../gen/yishe/assessment/v1/assessment_pb";
import { RiskKind } from "../gen/yishe/assessment/v1/assessment_pb";
import { ReferralReason, ReferralStatus, type Referral } from "../gen/yishe/referral/v1/referral_pb";
import { Role } from "../gen/yishe/directory/v1/directory_pb";
import { bandName } from "../i18n";
import { useSession } from "../session";
import { localTime, millis } from "../time";
import { Failure, useAction } from "./actions";
import { AssessmentForm } from "./AssessmentForm";
import { CaseWork } from "./CaseWork";
import { Trend } from "./Trend";

export function CasePage({
  referralId,
  changes,
  onBack,
}: {
  referralId: string;
  changes: number;
  onBack: () => void;
}) {
  const { clients, caller, t, settings, locale } = useSession();
  const [referral, setReferral] = useState<Referral | null>(null);
  const [assessments, setAssessments] = useState<Assessment[]>([]);
  const [assessing, setAssessing] = useState(false);
  const action = useAction();
  const load = useCallback(async () => {
    const found = await clients.referrals.getReferral({ referralId });
    setReferral(found.referral ?? null);
    const list = await clients.assessments.listAssessments({ referralId, pageSize: 100 });
    setAssessments(list.assessments);
  }, [clients, referralId]);
  useEffect(() => {
    load().catch(action.fail);
  }, [load, changes, action.fail]);

  if (!referral) return <Failure action={action} />;
  const p = referral.patient;
  const mayAssess =
    caller.role === Role.SOCIAL_WORKER &&
    referral.assignedWorkerId === caller.socialWorkerId &&
    [ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS].includes(referral.status);
  const facts: [string, string][] = [
    [t("col.ward"), [p?.ward, p?.bed].filter(Boolean).join(" ")],
    [t("col.status"), t(`status.${ReferralStatus[referral.status]}` as never)],
    [t("col.priority"), t(`priority.${Priority[referral.priority]}` as never)],
    [t("col.reasons"), referral.reasons.map((x) => t(`reason.${ReferralReason[x]}` as never)).join("、")],
    [t("col.worker"), referral.assignedWorkerName],
    [t("case.clinician"), referral.referringClinician?.name ?? ""],
    [t("case.summary"), p?.clinicalSummary ?? ""],
    [t("case.note"), referral.note],
    [t("col.time"), localTime(referral.createTime, settings.timeZone)],
  ];
  const byTime = [...assessments].sort((a, b) => (millis(a.assessTime) ?? 0) - (millis(b.assessTime) ?? 0));

  return (
    <section aria-labelledby="case-title">
      <button type="button" className="secondary" onClick={onBack}>
        {t("action.back")}
      </button>
      <h1 id="case-title">{t("case.title", { patient: p?.name ?? "" })}</h1>
      <Failure action={action} />
      <h2>{t("case.referral")}</h2>
      <dl className="facts">
        {facts
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>{value}</dd>
            </div>
          ))}
      </dl>
      <CaseWork referral={referral} assessments={assessments} changes={changes} action={action} />
      <h2>{t("case.assessments")}</h2>
      {mayAssess && !assessing && (
        <button type="button" onClick={() => setAssessing(true)}>
          {t("action.assess")}
        </button>
      )}
      {assessing && (
        <AssessmentForm
          referralId={referralId}
          onDone={() => {
            setAssessing(false);
            load().catch(action.fail);
          }}
        />
      )}
      {assessments.length === 0 ? (
        <p>{t("case.noAssessments")}</p>
      ) : (
        <>
          <table>
            <caption className="sr-only">{t("case.assessments")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("col.time")}</th>
                <th scope="col">{t("col.instrument")}</th>
                <th scope="col">{t("col.score")}</th>
                <th scope="col">{t("col.kind")}</th>
              </tr>
            </thead>
            <tbody>
              {byTime.flatMap((a) =>
                a.responses.map((r) => (
                  <tr key={`${a.assessmentId}-${r.instrumentId}`}>
                    <td>{localTime(a.assessTime, settings.timeZone)}</td>
                    <th scope="row">{r.instrumentId}</th>
                    <td>
                      {[r.total, r.band && bandName(locale, r.band)]
                        .filter((x) => x !== undefined && x !== "")
                        .join(" · ")}
                    </td>
                    <td className="risk">{a.risks.map((k) => t(`risk.${RiskKind[k]}` as never)).join("、")}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          <h3>{t("case.trend")}</h3>
          <Trend assessments={byTime} />
        </>
      )}
    </section>
  );
}
