import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { AssessmentSchema, RiskKind } from "./gen/yishe/assessment/v1/assessment_pb";
import { ContactSchema, FollowUpSchema, FollowUpState, Purpose } from "./gen/yishe/followup/v1/followup_pb";
import { ReferralSchema } from "./gen/yishe/referral/v1/referral_pb";
import { timeline } from "./timeline";

const at = (minute: number) => ({ seconds: BigInt(1_800_000_000 + minute * 60), nanos: 0 });

describe("a case's timeline", () => {
  it("puts what the contract tells in order, and leaves out what has not happened", () => {
    const referral = create(ReferralSchema, {
      createTime: at(0),
      acceptTime: at(10),
      firstContactTime: at(30),
      referringClinician: { name: "赵医生" },
    });
    const assessment = create(AssessmentSchema, {
      assessTime: at(40),
      responses: [{ instrumentId: "phq9", total: 4, band: "minimal" }],
      risks: [RiskKind.SELF_HARM_THOUGHTS],
    });
    const contact = create(ContactSchema, { contactTime: at(20), recordedByName: "王芳", note: "家属担心费用" });
    const scheduled = create(FollowUpSchema, { dueTime: at(90), state: FollowUpState.SCHEDULED, purpose: Purpose.SAFETY_CHECK });
    const done = create(FollowUpSchema, {
      dueTime: at(50),
      state: FollowUpState.DONE,
      purpose: Purpose.SAFETY_CHECK,
      attempts: [{ attemptTime: at(55) }],
    });
    const moments = timeline({ referral, assessments: [assessment], contacts: [contact], followUps: [scheduled, done] });
    expect(moments.map((m) => m.key)).toEqual([
      "timeline.received",
      "timeline.accepted",
      "timeline.contact",
      "timeline.firstContact",
      "timeline.assessedRisk",
      "timeline.followUpDone",
    ]);
    expect(moments[4].params.scores).toBe("phq9 4 minimal");
    expect(moments[5].params.purpose).toBe("purpose.SAFETY_CHECK");
  });
});
