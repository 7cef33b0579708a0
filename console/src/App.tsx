// The console: the station's settings, the language, then sign-in or the signed-in
// shell. Nothing of a patient goes into the address bar or the browser's storage:
// the view is component state, and the key is held in memory.

import { useCallback, useEffect, useMemo, useState } from "react";
import { clientsFor, loadSettings, type ConsoleSettings } from "./api";
import { explain } from "./errors";
import { abandon, authorizationUrl, finishSignIn, possibleHere, returned } from "./oidc";
import type { Locale } from "./i18n";
import { SessionContext, translator, type Session } from "./session";
import { Shell } from "./views/Shell";
import { SignIn } from "./views/SignIn";

export function App() {
  const [settings, setSettings] = useState<ConsoleSettings | null>(null);
  const [locale, setLocale] = useState<Locale>("zh-CN");
  const [session, setSession] = useState<Omit<Session, "locale" | "t" | "signOut"> | null>(null);
  const [notice, setNotice] = useState<string>("");
  const t = useMemo(() => translator(locale), [locale]);

  useEffect(() => {
    loadSettings().then(setSettings, () => setSettings({ timeZone: "Asia/Shanghai", idleMinutes: 15, oidc: null }));
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = t("app.title");
  }, [locale, t]);

  const localeRef = useMemo(() => ({ current: locale }), []);
  localeRef.current = locale;

  const signIn = useCallback(
    async (key: string) => {
      if (!settings) return;
      const clients = clientsFor(key, () => localeRef.current);
      try {
        const caller = await clients.directory.getCaller({});
        setNotice("");
        setSession({ clients, caller, settings });
      } catch (error) {
        setNotice(t("signin.failed", { message: explain(locale, error).message }));
      }
    },
    [settings, t, locale, localeRef],
  );
  // Back from the hospital's SSO: the code off the address bar at once, then the token.
  // Runs once, when the settings have loaded (signIn and t of that render are current).
  useEffect(() => {
    const back = returned(window.location.search);
    if (!settings || !back) return;
    window.history.replaceState(null, "", "/");
    if ("error" in back) {
      abandon(window.sessionStorage);
      setNotice(t("signin.failed", { message: back.error }));
      return;
    }
    if (!settings.oidc) return;
    finishSignIn(settings.oidc, window.location.origin, back, window.sessionStorage).then(signIn, (error: Error) =>
      setNotice(t("signin.failed", { message: error.message })),
    );
  }, [settings]);

  const signOut = useCallback((why?: string) => {
    setSession(null);
    setNotice(why ?? "");
  }, []);

  const toggle = (
    <button type="button" className="lang" aria-label={t("lang.label")} onClick={() => setLocale(locale === "zh-CN" ? "en" : "zh-CN")}>
      {t("lang.switch")}
    </button>
  );

  if (!settings) return <p role="status">{t("loading")}</p>;
  if (!session) {
    const sso = settings.oidc;
    return (
      <SignIn
        t={t}
        notice={notice}
        onSignIn={signIn}
        onSso={
          sso && possibleHere()
            ? () =>
                authorizationUrl(sso, window.location.origin, window.sessionStorage).then(
                  (url) => window.location.assign(url),
                  (error: Error) => setNotice(t("signin.failed", { message: error.message })),
                )
            : undefined
        }
        languageToggle={toggle}
      />
    );
  }
  return (
    <SessionContext.Provider value={{ ...session, locale, t, signOut }}>
      <Shell languageToggle={toggle} />
    </SessionContext.Provider>
  );
}
