// Sign-in through the hospital's SSO: OpenID Connect's authorization code flow with
// PKCE, as a public client in the browser. The page goes to the IdP with a one-time
// verifier's challenge and comes back with a code, which it exchanges (with the
// verifier) for a token that Yishe verifies as any staff token. The verifier and state
// live in sessionStorage only between leaving and coming back, and the code is taken
// off the address bar at once.

export interface OidcSettings {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  clientId: string;
  scope: string;
}

const PENDING = "yishe.oidc.pending";

function base64url(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function random(bytes: number): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** The S256 challenge of `verifier` (RFC 7636). */
export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/** The console's own address, where the IdP sends the person back. */
export function redirectUri(origin: string): string {
  return `${origin}/`;
}

/** The IdP's sign-in page for this attempt; remembers what the return will need. */
export async function authorizationUrl(oidc: OidcSettings, origin: string, storage: Storage): Promise<string> {
  const verifier = random(48);
  const state = random(24);
  storage.setItem(PENDING, JSON.stringify({ verifier, state }));
  const url = new URL(oidc.authorizationEndpoint);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", oidc.clientId);
  url.searchParams.set("redirect_uri", redirectUri(origin));
  url.searchParams.set("scope", oidc.scope);
  url.searchParams.set("state", state);
  url.searchParams.set("code_challenge", await challengeOf(verifier));
  url.searchParams.set("code_challenge_method", "S256");
  // The IdP asks who is there every time: on a shared workstation, signing out of the
  // console (or the idle sign-out) must not leave the next person signed in as the last.
  url.searchParams.set("prompt", "login");
  return url.toString();
}

/** What the IdP sent back in `search`, if this page load is a return: a code, or the
 * error it answered with (`access_denied` when the person cancelled). */
export function returned(
  search: string,
): { code: string; state: string } | { error: string } | null {
  const params = new URLSearchParams(search);
  const code = params.get("code");
  const state = params.get("state");
  const error = params.get("error");
  if (error) return { error: params.get("error_description") ?? error };
  return code && state ? { code, state } : null;
}

/** Forgets an attempt that came back with an error. */
export function abandon(storage: Storage): void {
  storage.removeItem(PENDING);
}

/** Whether the browser can sign in through the SSO here: PKCE needs Web Crypto, which
 * browsers give only to secure pages (HTTPS, or this machine). */
export function possibleHere(): boolean {
  return window.isSecureContext && !!crypto.subtle;
}

/** Exchanges the returned code for a token; refuses a state this page did not send. */
export async function finishSignIn(
  oidc: OidcSettings,
  origin: string,
  back: { code: string; state: string },
  storage: Storage,
  fetcher: typeof fetch = fetch,
): Promise<string> {
  const pending = storage.getItem(PENDING);
  storage.removeItem(PENDING);
  const { verifier, state } = pending ? (JSON.parse(pending) as { verifier: string; state: string }) : { verifier: "", state: "" };
  if (!verifier || state !== back.state) throw new Error("the sign-in came back without the state this page sent");
  const response = await fetcher(oidc.tokenEndpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: back.code,
      redirect_uri: redirectUri(origin),
      client_id: oidc.clientId,
      code_verifier: verifier,
    }),
  });
  if (!response.ok) throw new Error(`the token endpoint answered ${response.status}`);
  const tokens = (await response.json()) as { access_token?: string; id_token?: string };
  const token = tokens.access_token ?? tokens.id_token;
  if (!token) throw new Error("the token endpoint sent no token");
  return token;
}
