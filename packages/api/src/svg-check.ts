/**
 * An allowlist check of a whole SVG document: drawing elements and their attributes only. Anything
 * this check cannot read is refused, so a blocklist bypass (a namespace prefix, an entity-encoded
 * `javascript:`, script after the first kilobytes) has nothing to slip through.
 */

const ELEMENTS = new Set(
  (
    'svg g path rect circle ellipse line polyline polygon text tspan textPath defs use symbol title desc switch view ' +
    'linearGradient radialGradient stop clipPath mask pattern marker filter feBlend feColorMatrix feComponentTransfer ' +
    'feComposite feConvolveMatrix feDiffuseLighting feDisplacementMap feDistantLight feDropShadow feFlood feFuncA feFuncB ' +
    'feFuncG feFuncR feGaussianBlur feMerge feMergeNode feMorphology feOffset fePointLight feSpecularLighting feSpotLight ' +
    'feTile feTurbulence'
  ).split(' '),
);
const NAMESPACES: Readonly<Record<string, string>> = {
  xmlns: 'http://www.w3.org/2000/svg',
  'xmlns:xlink': 'http://www.w3.org/1999/xlink',
};
const PREFIXED_ATTRIBUTES = new Set(['xlink:href', 'xml:space', 'xml:lang']);

const START_TAG = /<([A-Za-z][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/y;
const END_TAG = /<\/([A-Za-z][\w.:-]*)\s*>/y;
const ATTRIBUTE = /\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
const ENTITY = /&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|(lt|gt|amp|quot|apos));/g;
const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** An attribute value as the parser sees it; null when it holds an entity XML does not define. */
function decode(value: string): string | null {
  const decoded = value.replace(ENTITY, (_, dec?: string, hex?: string, named?: string) =>
    named ? NAMED[named]! : String.fromCodePoint(Math.min(Number.parseInt(dec ?? hex!, dec ? 10 : 16), 0x10ffff)),
  );
  const rest = value.replace(ENTITY, '');
  return rest.includes('&') ? null : decoded;
}

/** Why this attribute is not allowed, or null. */
function attributeProblem(name: string, raw: string): string | null {
  const value = decode(raw);
  if (value === null) return `the attribute ${name} holds an entity XML does not define`;
  if (/^on/i.test(name)) return `the event handler attribute ${name}`;
  if (name in NAMESPACES) return value === NAMESPACES[name] ? null : `the namespace ${name}="${value}"`;
  if (name.includes(':') && !PREFIXED_ATTRIBUTES.has(name)) return `the attribute ${name}`;
  // What a browser would act on: whitespace and control characters are ignored inside a URL scheme.
  // eslint-disable-next-line no-control-regex -- those control characters are what is removed
  const squeezed = value.replace(/[\u0000-\u0020\u007f-\u00a0]+/g, '').toLowerCase();
  if ((name === 'href' || name === 'xlink:href') && !squeezed.startsWith('#')) return `a link to "${value}" (only #fragments are allowed)`;
  if (/(javascript|vbscript|data):/.test(squeezed)) return `a script or data URL in ${name}`;
  if (/url\((?!['"]?#)/.test(squeezed)) return `an external url() in ${name}`;
  if (name === 'style' && /@import|expression\(|behavior|binding|\\/.test(squeezed)) return 'a style attribute that can load or run code';
  return null;
}

/** Why `text` is not an SVG image made only of allowed markup, or null. */
export function svgProblem(text: string): string | null {
  const stack: string[] = [];
  let seenRoot = false;
  let closedRoot = false;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const between = text.slice(i, lt < 0 ? text.length : lt);
    if (stack.length === 0 && between.replace(/^\uFEFF/, '').trim() !== '') return 'it has text outside the svg element';
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return 'it has an unterminated comment';
      i = end + 3;
      continue;
    }
    if (!seenRoot && (text.startsWith('<?xml ', lt) || text.startsWith('<!DOCTYPE', lt) || text.startsWith('<!doctype', lt))) {
      const end = text.indexOf('>', lt);
      if (end < 0 || text.slice(lt, end).includes('[')) return 'it declares entities or an internal DTD';
      if (text[lt + 1] === '?' && text.slice(0, lt).replace(/^\uFEFF/, '') !== '') return 'an XML declaration that is not at the start';
      i = end + 1;
      continue;
    }
    END_TAG.lastIndex = lt;
    const end = END_TAG.exec(text);
    if (end) {
      if (stack.pop() !== end[1]) return `the end tag </${end[1]}> does not match`;
      if (stack.length === 0) closedRoot = true;
      i = END_TAG.lastIndex;
      continue;
    }
    START_TAG.lastIndex = lt;
    const start = START_TAG.exec(text);
    if (!start) return `it has markup this check does not read at character ${lt} ("${text.slice(lt, lt + 20)}")`;
    const [, name, attributes = '', selfClosing] = start;
    if (closedRoot) return 'it has markup after the svg element';
    if (!seenRoot && name !== 'svg') return 'its root element is not svg';
    if (!ELEMENTS.has(name!)) return `the element <${name}>`;
    for (const [, attribute, double, single] of attributes.matchAll(ATTRIBUTE)) {
      const problem = attributeProblem(attribute!, double ?? single ?? '');
      if (problem) return problem;
    }
    seenRoot = true;
    if (selfClosing) {
      if (stack.length === 0) closedRoot = true;
    } else {
      stack.push(name!);
    }
    i = START_TAG.lastIndex;
  }
  if (!closedRoot) return 'it is not a complete SVG document';
  return null;
}
