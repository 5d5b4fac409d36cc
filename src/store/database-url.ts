// DATABASE_URL carries a password (postgres://user:password@host/db or ?password=…): it may appear in a message
// or a log line only redacted.

/** The URL with its password (user info or `password` query value) replaced by `***`; the user name stays. */
export function redactDatabaseUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return "<unparseable URL>";
  }
  if (parsed.password) parsed.password = "***";
  if (parsed.searchParams.has("password")) parsed.searchParams.set("password", "***");
  return decodeURIComponent(parsed.toString());
}

/** `text` with every occurrence of the URL's password replaced by `***` (driver messages may echo it). */
export function scrubDatabasePassword(text: string, url: string): string {
  let passwords: string[];
  try {
    const parsed = new URL(url);
    passwords = [
      parsed.password,
      decodeURIComponent(parsed.password),
      parsed.searchParams.get("password") ?? "",
    ];
  } catch {
    return text;
  }
  let scrubbed = text;
  for (const password of passwords.filter((p) => p.length > 0))
    scrubbed = scrubbed.split(password).join("***");
  return scrubbed;
}

/** True for the URL schemes PostgreSQL's clients accept. */
export function isPostgresUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "postgres:" || protocol === "postgresql:";
  } catch {
    return false;
  }
}
