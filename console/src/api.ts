// The console's clients of the contract: every service over gRPC-Web to the server
// that served the page (same origin, so the Content-Security-Policy's connect-src is
// 'self'), each call carrying the signed-in person's key. The key lives in memory
// only: never in a URL or the browser's storage.

import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { AssessmentService } from "./gen/yishe/assessment/v1/assessment_pb";
import { DirectoryService } from "./gen/yishe/directory/v1/directory_pb";
import { FollowUpService } from "./gen/yishe/followup/v1/followup_pb";
import { PlanService } from "./gen/yishe/plan/v1/plan_pb";
import { ReferralService } from "./gen/yishe/referral/v1/referral_pb";
import type { OidcSettings } from "./oidc";

export interface Clients {
  referrals: Client<typeof ReferralService>;
  assessments: Client<typeof AssessmentService>;
  directory: Client<typeof DirectoryService>;
  plans: Client<typeof PlanService>;
  followups: Client<typeof FollowUpService>;
}

/** Clients that send `key` on every call, in `locale` (the server answers errors in it). */
export function clientsFor(key: string, locale: () => string, baseUrl = window.location.origin): Clients {
  const credentials: Interceptor = (next) => async (req) => {
    req.header.set("authorization", `Bearer ${key}`);
    req.header.set("accept-language", locale());
    return await next(req);
  };
  const transport = createGrpcWebTransport({ baseUrl, interceptors: [credentials] });
  return {
    referrals: createClient(ReferralService, transport),
    assessments: createClient(AssessmentService, transport),
    directory: createClient(DirectoryService, transport),
    plans: createClient(PlanService, transport),
    followups: createClient(FollowUpService, transport),
  };
}

/** The console's settings, served by Yishe beside the console (`/console.json`). */
export interface ConsoleSettings {
  timeZone: string;
  idleMinutes: number;
  /** The hospital's SSO, when the station configured it. */
  oidc: OidcSettings | null;
}

export async function loadSettings(): Promise<ConsoleSettings> {
  const response = await fetch("/console.json", { cache: "no-store" });
  const settings = (await response.json()) as Partial<ConsoleSettings>;
  return {
    timeZone: settings.timeZone ?? "Asia/Shanghai",
    idleMinutes: settings.idleMinutes ?? 15,
    oidc: settings.oidc ?? null,
  };
}
