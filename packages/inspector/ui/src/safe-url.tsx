/**
 * Server-controlled URLs (icons, websiteUrl, resource links): always shown as text; made a link only when they
 * are http(s), so a `javascript:` or `data:` URL from a server can never run or be followed.
 */

/** The URL when it parses and is http: or https:, else undefined. */
export function httpUrl(text: unknown): string | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function SafeLink({ url }: { url: unknown }) {
  const text = typeof url === 'string' ? url : JSON.stringify(url);
  const href = httpUrl(url);
  if (href === undefined) {
    return (
      <code class="url" data-testid="unlinked-url" title="not a link: only http(s) URLs are followed">
        {text}
      </code>
    );
  }
  return (
    <a class="url" href={href} target="_blank" rel="noopener noreferrer">
      {text}
    </a>
  );
}
