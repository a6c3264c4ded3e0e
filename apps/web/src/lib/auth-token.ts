const KEY = 'upload-token';

/**
 * The bearer token for the API. A host app that signs users in itself hands the SPA a JWT in the
 * URL fragment (`/#token=<jwt>`): it is taken once, stored for this tab, and removed from the URL.
 */
export function readInitialToken(): string | null {
  const match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    sessionStorage.setItem(KEY, token);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  }
  return sessionStorage.getItem(KEY);
}

/** The token the API calls carry now (read per request, so sign-in and sign-out apply at once). */
export function currentToken(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeToken(token: string | null): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}
