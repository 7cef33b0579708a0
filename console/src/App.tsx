// The console: the station's settings, the language, then sign-in or the signed-in
// shell. Nothing of a patient goes into the address bar or the browser's storage:
// the view is component state, and the key is held in memory.

import { useCallback, useEffect, useMemo, useState } from "react";
import { clientsFor, loadSettings, type ConsoleSettings } from "./api";
import { explain } from "./errors";
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
    loadSettings().then(setSettings, () => setSettings({ timeZone: "Asia/Shanghai", idleMinutes: 15 }));
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
  if (!session) return <SignIn t={t} notice={notice} onSignIn={signIn} languageToggle={toggle} />;
  return (
    <SessionContext.Provider value={{ ...session, locale, t, signOut }}>
      <Shell languageToggle={toggle} />
    </SessionContext.Provider>
  );
}
