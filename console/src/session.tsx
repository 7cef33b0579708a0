// The signed-in session: who it is (GetCaller), their clients, the language and the
// station's settings; signed out by hand, when the key stops working, or after the
// station's idle time without a key press, click or touch.

import { createContext, useContext, useEffect } from "react";
import type { Clients, ConsoleSettings } from "./api";
import type { GetCallerResponse } from "./gen/yishe/directory/v1/directory_pb";
import { watchIdle } from "./idle";
import { translate, type Locale, type MessageKey } from "./i18n";

export interface Session {
  clients: Clients;
  caller: GetCallerResponse;
  settings: ConsoleSettings;
  locale: Locale;
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  signOut: (why?: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession outside a signed-in session");
  return session;
}

export function translator(locale: Locale) {
  return (key: MessageKey, params?: Record<string, string | number>) => translate(locale, key, params);
}

/** Calls `onIdle` after `minutes` without the person touching the page. */
export function useIdleSignOut(minutes: number, onIdle: () => void) {
  useEffect(() => watchIdle(window, minutes, onIdle), [minutes, onIdle]);
}
