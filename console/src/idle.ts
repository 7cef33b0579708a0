// The idle sign-out: after `minutes` without a key press, click, wheel or touch on
// `target` (the window), `onIdle` is called once.

const ACTIVITY = ["keydown", "pointerdown", "wheel", "touchstart"] as const;

/** Watches `target`; returns the function that stops watching. */
export function watchIdle(target: EventTarget, minutes: number, onIdle: () => void): () => void {
  let last = Date.now();
  let fired = false;
  const touched = () => {
    last = Date.now();
  };
  for (const e of ACTIVITY) target.addEventListener(e, touched, { passive: true });
  const timer = setInterval(() => {
    if (!fired && Date.now() - last > minutes * 60_000) {
      fired = true;
      onIdle();
    }
  }, 5_000);
  return () => {
    for (const e of ACTIVITY) target.removeEventListener(e, touched);
    clearInterval(timer);
  };
}
