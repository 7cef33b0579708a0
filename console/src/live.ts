// Live updates: one watch of the referral feed from now on (the events the caller may
// see, as for any client), reconnecting after a lost connection from the last event
// it saw. Views reload when `changes` moves; a new referral or a risk flag is
// announced to screen readers and on screen.

import { useEffect, useRef, useState } from "react";
import { FeedStart, ReferralEventType } from "./gen/yishe/referral/v1/referral_pb";
import { useSession } from "./session";

export interface Feed {
  connected: boolean;
  /** Moves on every event: a view that shows what events change reloads on it. */
  changes: number;
  announcement: string;
}

export function useFeed(enabled: boolean): Feed {
  const { clients, t } = useSession();
  const [connected, setConnected] = useState(false);
  const [changes, setChanges] = useState(0);
  const [announcement, setAnnouncement] = useState("");
  const tRef = useRef(t);
  tRef.current = t;

  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let after: bigint | undefined;
    (async () => {
      while (!abort.signal.aborted) {
        try {
          const start = after === undefined
            ? { startAt: { case: "from" as const, value: FeedStart.NOW } }
            : { startAt: { case: "afterSequence" as const, value: after } };
          const stream = clients.referrals.watchReferralEvents(start, { signal: abort.signal });
          setConnected(true);
          for await (const item of stream) {
            if (item.item.case === "checkpoint") {
              after = item.item.value.sequence;
              continue;
            }
            if (item.item.case !== "event") continue;
            const event = item.item.value;
            after = event.sequence;
            setChanges((n) => n + 1);
            if (event.type === ReferralEventType.CREATED) setAnnouncement(tRef.current("live.new"));
            if (event.type === ReferralEventType.RISK_FLAG_RAISED) setAnnouncement(tRef.current("risks.live"));
          }
        } catch {
          // Lost or refused: say so, wait a little, and resume where the feed was.
        }
        setConnected(false);
        if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => abort.abort();
  }, [enabled, clients]);

  return { connected, changes, announcement };
}
