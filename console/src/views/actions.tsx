// One person's action at a time: what it did, said in a status line, or why the
// server refused it, said in an alert with the offending fields. A key that stopped
// working signs the person out.

import { useCallback, useMemo, useRef, useState } from "react";
import { Code } from "@connectrpc/connect";
import { explain, type Explained } from "../errors";
import { useSession } from "../session";

export interface Action {
  run: (op: () => Promise<string | void>) => Promise<void>;
  fail: (error: unknown) => void;
  busy: boolean;
  done: string;
  failure: Explained | null;
}

export function useAction(): Action {
  const { locale, signOut } = useSession();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState("");
  const [failure, setFailure] = useState<Explained | null>(null);
  // `fail` stays the same function across language switches, so the effects that
  // load with it do not run again (and reset a form) when the language changes.
  const current = useRef({ locale, signOut });
  current.current = { locale, signOut };
  const fail = useCallback((error: unknown) => {
    const explained = explain(current.current.locale, error);
    if (explained.code === Code.Unauthenticated) current.current.signOut(explained.message);
    setDone("");
    setFailure(explained);
  }, []);
  const run = useCallback(
    async (op: () => Promise<string | void>) => {
      setBusy(true);
      setFailure(null);
      try {
        setDone((await op()) ?? "");
      } catch (error) {
        fail(error);
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );
  return useMemo(() => ({ run, fail, busy, done, failure }), [run, fail, busy, done, failure]);
}

export function Failure({ action }: { action: Action }) {
  return (
    <>
      {action.done && (
        <p role="status" className="done">
          {action.done}
        </p>
      )}
      {action.failure && (
        <div role="alert" className="failure">
          <p>{action.failure.message}</p>
          {action.failure.fields.length > 0 && (
            <ul>
              {action.failure.fields.map((f) => (
                <li key={f.field}>
                  <code>{f.field}</code>: {f.description}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </>
  );
}
