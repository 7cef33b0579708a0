import { describe, expect, it } from "vitest";
import { authorizationUrl, challengeOf, finishSignIn, returned } from "./oidc";

class MemoryStorage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
  clear() {
    this.items.clear();
  }
  key() {
    return null;
  }
}

const oidc = {
  authorizationEndpoint: "https://idp.hospital.test/authorize",
  tokenEndpoint: "https://idp.hospital.test/token",
  clientId: "yishe-console",
  scope: "openid",
};
const origin = "http://127.0.0.1:8080";

describe("sign-in through the hospital's SSO", () => {
  it("computes RFC 7636's S256 challenge", async () => {
    // RFC 7636, appendix B.
    expect(await challengeOf("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe(
      "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
    );
  });

  it("goes out with a challenge and comes back to exchange the code with its verifier", async () => {
    const storage = new MemoryStorage() as unknown as Storage;
    const url = new URL(await authorizationUrl(oidc, origin, storage));
    expect(url.searchParams.get("redirect_uri")).toBe("http://127.0.0.1:8080/");
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    expect(url.searchParams.get("prompt")).toBe("login");
    const state = url.searchParams.get("state")!;
    const challenge = url.searchParams.get("code_challenge")!;
    let sent: URLSearchParams | undefined;
    const fetcher = (async (_: RequestInfo | URL, init?: RequestInit) => {
      sent = init?.body as URLSearchParams;
      return new Response(JSON.stringify({ access_token: "jwt" }), { status: 200 });
    }) as typeof fetch;
    const back = returned(`?code=c1&state=${state}`) as { code: string; state: string };
    expect(await finishSignIn(oidc, origin, back, storage, fetcher)).toBe("jwt");
    expect(await challengeOf(sent!.get("code_verifier")!)).toBe(challenge);
    expect(sent!.get("code")).toBe("c1");
    expect(storage.length).toBe(0);
  });

  it("reads an IdP's refusal as an error, not a code", () => {
    expect(returned("?error=access_denied&state=s")).toEqual({ error: "access_denied" });
    expect(returned("?error=x&error_description=cancelled&state=s")).toEqual({ error: "cancelled" });
    expect(returned("")).toBeNull();
  });

  it("refuses a return without the attempt this page remembered", async () => {
    const storage = new MemoryStorage() as unknown as Storage;
    await expect(finishSignIn(oidc, origin, { code: "c1", state: "s" }, storage)).rejects.toThrow(/state/);
  });

  it("refuses a return it did not ask for", async () => {
    const storage = new MemoryStorage() as unknown as Storage;
    await authorizationUrl(oidc, origin, storage);
    await expect(finishSignIn(oidc, origin, { code: "c1", state: "forged" }, storage)).rejects.toThrow(/state/);
  });
});
