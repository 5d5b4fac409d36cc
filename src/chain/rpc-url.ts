// RPC URLs often carry credentials: user:password, an API key as a path segment (…/v2/<key>) or in the
// query (?apikey=…). None of it may reach a log line, a metric label or an error message.

const SECRET_LIKE_SEGMENT = /^[A-Za-z0-9_-]{16,}$/;

/** The URL with user info, query values and key-like path segments replaced by `***`. */
export function redactRpcUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "<invalid url>";
  }
  if (parsed.username) parsed.username = "***";
  if (parsed.password) parsed.password = "***";
  parsed.pathname = parsed.pathname
    .split("/")
    .map((segment) => (SECRET_LIKE_SEGMENT.test(segment) ? "***" : segment))
    .join("/");
  for (const key of [...parsed.searchParams.keys()]) parsed.searchParams.set(key, "***");
  return decodeURIComponent(parsed.toString());
}

/** Remove every occurrence of any of `urls` (and their secret parts) from `text`. */
export function scrubRpcUrls(text: string, urls: readonly string[]): string {
  let scrubbed = text;
  for (const url of urls) {
    scrubbed = scrubbed.split(url).join(redactRpcUrl(url));
    try {
      const parsed = new URL(url);
      const secrets = [
        parsed.password,
        parsed.username,
        ...parsed.pathname.split("/").filter((segment) => SECRET_LIKE_SEGMENT.test(segment)),
        ...[...parsed.searchParams.values()].filter((value) => value.length >= 8),
      ].filter((secret) => secret.length > 0);
      for (const secret of secrets) scrubbed = scrubbed.split(secret).join("***");
    } catch {
      // not a URL: nothing more to scrub
    }
  }
  return scrubbed;
}
