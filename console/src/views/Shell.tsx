// The signed-in page: who is signed in, the views of their role, live updates from
// the feed, and the idle sign-out.

import { useCallback, useState, type ReactNode } from "react";
import { Role } from "../gen/yishe/directory/v1/directory_pb";
import { useFeed } from "../live";
import { useIdleSignOut, useSession } from "../session";
import { CasePage } from "./CasePage";
import { Inbox } from "./Inbox";
import { MyCases } from "./MyCases";
import { RiskFlags } from "./RiskFlags";
import { Supervision } from "./Supervision";

type Tab = "inbox" | "cases" | "risks" | "supervision";
type View = { name: Tab } | { name: "case"; referralId: string; from: View };

export function Shell({ languageToggle }: { languageToggle: ReactNode }) {
  const { caller, t, signOut, settings } = useSession();
  const role = Role[caller.role] as string;
  const isSupervisor = caller.role === Role.SUPERVISOR;
  const isWorker = caller.role === Role.SOCIAL_WORKER;
  const [view, setView] = useState<View>({ name: isSupervisor ? "inbox" : "cases" } as View);
  const feed = useFeed(isSupervisor || isWorker);
  useIdleSignOut(
    settings.idleMinutes,
    useCallback(() => signOut(t("signout.idle", { minutes: settings.idleMinutes })), [signOut, t, settings.idleMinutes]),
  );
  const roleName = t(`role.${role}` as never);
  const tabs: { name: Tab; label: string }[] = [
    { name: "inbox", label: t("nav.inbox") },
    ...(isWorker ? [{ name: "cases" as const, label: t("nav.cases") }] : []),
    ...(isSupervisor ? [{ name: "risks" as const, label: t("nav.risks") }] : []),
    ...(isSupervisor ? [{ name: "supervision" as const, label: t("nav.supervision") }] : []),
  ];
  const open = (referralId: string) => setView({ name: "case", referralId, from: view });

  return (
    <>
      <a className="skip" href="#main">
        {t("app.skip")}
      </a>
      <header className="bar">
        <span className="brand">{t("app.title")}</span>
        <span className="who">
          {caller.displayName ? t("greeting", { name: caller.displayName, role: roleName }) : roleName}
        </span>
        {languageToggle}
        <button type="button" onClick={() => signOut()}>
          {t("signout")}
        </button>
      </header>
      {isSupervisor || isWorker ? (
        <>
          <nav aria-label={t("nav.label")}>
            {tabs.map((tab) => (
              <button
                key={tab.name}
                type="button"
                aria-current={view.name === tab.name ? "page" : undefined}
                onClick={() => setView({ name: tab.name })}
              >
                {tab.label}
              </button>
            ))}
            <span className={feed.connected ? "live on" : "live off"} role="status">
              {feed.connected ? t("live.on") : t("live.off")}
            </span>
          </nav>
          <main id="main" tabIndex={-1}>
            {feed.announcement.key && (
              // A new element per announcement, so screen readers say it again.
              <p key={feed.announcement.serial} className="announcement" role="status">
                {t(feed.announcement.key)}
              </p>
            )}
            {view.name === "inbox" && <Inbox changes={feed.changes} onOpen={open} />}
            {view.name === "cases" && <MyCases changes={feed.changes} onOpen={open} />}
            {view.name === "risks" && <RiskFlags changes={feed.changes} />}
            {view.name === "supervision" && <Supervision changes={feed.changes} />}
            {view.name === "case" && (
              <CasePage referralId={view.referralId} changes={feed.changes} onBack={() => setView(view.from)} />
            )}
          </main>
        </>
      ) : (
        <main id="main">
          <p role="alert">{t("role.unsupported", { role: roleName })}</p>
        </main>
      )}
    </>
  );
}
