// The inbox's order: the most urgent first, then the nearest acceptance deadline.

import { Priority } from "./gen/yishe/common/v1/common_pb";
import type { Referral } from "./gen/yishe/referral/v1/referral_pb";
import { millis } from "./time";

const urgency: Record<Priority, number> = {
  [Priority.EMERGENCY]: 0,
  [Priority.URGENT]: 1,
  [Priority.ROUTINE]: 2,
  [Priority.UNSPECIFIED]: 3,
};

export function byUrgency(a: Referral, b: Referral): number {
  const deadline = (r: Referral) => millis(r.acceptanceDeadline) ?? Number.MAX_SAFE_INTEGER;
  return urgency[a.priority] - urgency[b.priority] || deadline(a) - deadline(b);
}
