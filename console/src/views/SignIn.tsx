import { useState, type FormEvent, type ReactNode } from "react";
import type { MessageKey } from "../i18n";

interface Props {
  t: (key: MessageKey, params?: Record<string, string | number>) => string;
  notice: string;
  onSignIn: (key: string) => Promise<void>;
  /** Sign-in through the hospital's SSO, when configured. */
  onSso?: () => void;
  languageToggle: ReactNode;
}

export function SignIn({ t, notice, onSignIn, onSso, languageToggle }: Props) {
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await onSignIn(key.trim());
    setBusy(false);
  };
  return (
    <>
      <header className="bar">
        <span className="brand">{t("app.title")}</span>
        {languageToggle}
      </header>
      <main id="main" className="signin">
        <h1>{t("signin.title")}</h1>
        <form onSubmit={submit}>
          <label htmlFor="key">{t("signin.key")}</label>
          <input
            id="key"
            type="password"
            autoComplete="off"
            autoFocus
            required
            value={key}
            onChange={(e) => setKey(e.target.value)}
            aria-describedby="key-help"
          />
          <p id="key-help" className="help">
            {t("signin.help")}
          </p>
          <button type="submit" disabled={busy || !key.trim()}>
            {t("signin.submit")}
          </button>
        </form>
        {onSso && (
          <p>
            <button type="button" className="secondary" onClick={onSso}>
              {t("signin.sso")}
            </button>
          </p>
        )}
        {notice && (
          <p role="alert" className="notice">
            {notice}
          </p>
        )}
      </main>
    </>
  );
}
