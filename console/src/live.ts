// Live updates: one watch of the referral feed from now on (the events the caller may
// see, as for any client), resumed after a lost connection from the last event it saw.
// Views reload when `changes` moves, at most once a second however many events
// arrive; a new referral or a risk flag is announced to screen readers and on screen.
// A key that stopped working signs out; a position the feed no longer has starts
// again from now (and the views reload, so nothing shown is stale).

import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useRef, useState } from "react";
import { ErrorInfoSchema } from "./gen/google/rpc/error_details_pb";
import { FeedStart, ReferralEventType } from "./gen/yishe/referral/v1/referral_pb";
import type { MessageKey } from "./i18n";
import { useSession } from "./session";

export interface Feed {
  connected: boolean;
  /** Moves when events arrived: a view that shows what events change reloads on it. */
  changes: number;
  /** The latest news (a message key, said in the language of the moment), with a
   * serial that moves even when the news repeats. */
  announcement: { key: MessageKey | null; serial: number };
}

/** How often views may reload for events, in milliseconds. */
const RELOAD_AT_MOST_EVERY = 1000;

export function useFeed(enabled: boolean): Feed {
  const { clients, signOut } = useSession();
  const [connected, setConnected] = useState(false);
  const [changes, setChanges] = useState(0);
  const [announcement, setAnnouncement] = useState<Feed["announcement"]>({ key: null, serial: 0 });
  const current = useRef({ signOut });
  current.current = { signOut };

  useEffect(() => {
    if (!enabled) return;
    const abort = new AbortController();
    let after: bigint | undefined;
    let pending: number | undefined;
    const changed = () => {
      pending ??= window.setTimeout(() => {
        pending = undefined;
        setChanges((n) => n + 1);
      }, RELOAD_AT_MOST_EVERY);
    };
    (async () => {
      while (!abort.signal.aborted) {
        try {
          const start =
            after === undefined
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
            changed();
            const news: MessageKey | null =
              event.type === ReferralEventType.CREATED
                ? "live.new"
                : event.type === ReferralEventType.RISK_FLAG_RAISED
                  ? "risks.live"
                  : null;
            if (news) setAnnouncement((a) => ({ key: news, serial: a.serial + 1 }));
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          const err = ConnectError.from(error);
          if (err.code === Code.Unauthenticated || err.code === Code.PermissionDenied) {
            current.current.signOut(err.rawMessage);
            return;
          }
          const reason = err.findDetails(ErrorInfoSchema)[0]?.reason;
          if (reason === "CURSOR_EXPIRED" || reason === "CURSOR_AHEAD_OF_FEED") {
            after = undefined;
            changed();
          }
        }
        setConnected(false);
        if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
      }
    })();
    return () => {
      abort.abort();
      if (pending !== undefined) window.clearTimeout(pending);
    };
  }, [enabled, clients]);

  return { connected, changes, announcement };
}
