/**
 * Tool results, resource contents and prompt messages, rendered by content type. Server data only ever becomes
 * text nodes, `data:` images and audio of an allowed type, or http(s) links: never HTML.
 */
import { SafeLink } from './safe-url';

type Block = { type?: unknown; [key: string]: unknown };

const IMAGE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;
const AUDIO = /^audio\/[\w.+-]+$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function dataUrl(mime: unknown, data: unknown, allowed: RegExp): string | undefined {
  if (typeof mime !== 'string' || typeof data !== 'string' || !allowed.test(mime) || !BASE64.test(data)) return undefined;
  return `data:${mime};base64,${data}`;
}

export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** One resource's contents: `{ uri, mimeType, text | blob }`. */
export function ResourceContents({ contents }: { contents: Block }) {
  const image = dataUrl(contents.mimeType, contents.blob, IMAGE);
  return (
    <div class="resource-contents">
      <div class="meta">
        <SafeLink url={contents.uri} /> {typeof contents.mimeType === 'string' ? <span class="badge">{contents.mimeType}</span> : null}
      </div>
      {typeof contents.text === 'string' ? <pre class="text">{contents.text}</pre> : null}
      {image ? <img alt={String(contents.uri)} src={image} /> : null}
      {typeof contents.blob === 'string' && !image ? <div class="muted">binary, {Math.floor((contents.blob.length * 3) / 4)} bytes (base64 not shown)</div> : null}
    </div>
  );
}

export function ContentBlock({ block, onRead }: { block: Block; onRead?: ((uri: string) => void) | undefined }) {
  switch (block.type) {
    case 'text':
      return <pre class="text">{String(block.text)}</pre>;
    case 'image': {
      const src = dataUrl(block.mimeType, block.data, IMAGE);
      return src ? <img class="content-image" alt="image from the server" src={src} /> : <div class="muted">image of type {String(block.mimeType)} (not shown)</div>;
    }
    case 'audio': {
      const src = dataUrl(block.mimeType, block.data, AUDIO);
      return src ? <audio controls src={src} /> : <div class="muted">audio of type {String(block.mimeType)} (not played)</div>;
    }
    case 'resource':
      return (
        <div class="embedded">
          <span class="badge">embedded resource</span>
          <ResourceContents contents={(block.resource ?? {}) as Block} />
        </div>
      );
    case 'resource_link':
      return (
        <div class="resource-link">
          <span class="badge">resource link</span> {typeof block.name === 'string' ? <b>{block.name}</b> : null} <SafeLink url={block.uri} />{' '}
          {typeof block.mimeType === 'string' ? <span class="badge">{block.mimeType}</span> : null}
          {onRead && typeof block.uri === 'string' ? (
            <button type="button" class="small" onClick={() => onRead(block.uri as string)}>
              read
            </button>
          ) : null}
        </div>
      );
    default:
      return <Json value={block} />;
  }
}

export function Contents({ content, onRead }: { content: unknown; onRead?: ((uri: string) => void) | undefined }) {
  if (!Array.isArray(content)) return <Json value={content} />;
  return (
    <div class="contents">
      {content.map((b) => (
        <ContentBlock block={(b ?? {}) as Block} onRead={onRead} />
      ))}
    </div>
  );
}
