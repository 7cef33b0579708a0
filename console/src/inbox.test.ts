import { create } from "@bufbuild/protobuf";
import { describe, expect, it } from "vitest";
import { Priority } from "./gen/yishe/common/v1/common_pb";
import { ReferralSchema } from "./gen/yishe/referral/v1/referral_pb";
import { byUrgency } from "./inbox";

const referral = (id: string, priority: Priority, deadlineSeconds: number) =>
  create(ReferralSchema, { id, priority, acceptanceDeadline: { seconds: BigInt(deadlineSeconds), nanos: 0 } });

describe("the inbox's order", () => {
  it("puts the most urgent first, then the nearest deadline", () => {
    const sorted = [
      referral("routine-soon", Priority.ROUTINE, 100),
      referral("urgent-later", Priority.URGENT, 900),
      referral("emergency", Priority.EMERGENCY, 5000),
      referral("urgent-soon", Priority.URGENT, 300),
    ].sort(byUrgency);
    expect(sorted.map((r) => r.id)).toEqual(["emergency", "urgent-soon", "urgent-later", "routine-soon"]);
  });
});
