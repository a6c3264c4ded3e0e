import { describe, expect, it } from 'vitest';
import { checkContent } from './content';

const check = (text: string, type = 'image/svg+xml') => checkContent(new TextEncoder().encode(text), type);
const NS = 'xmlns="http://www.w3.org/2000/svg"';

describe('SVG and text are checked whole, by an allowlist', () => {
  it.each([
    `<svg ${NS}><circle r="4"/></svg>`,
    `<?xml version="1.0" encoding="UTF-8"?>\n<!-- drawn by hand -->\n<svg ${NS} xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"><defs><linearGradient id="g"><stop offset="0" stop-color="#fff"/></linearGradient></defs><rect fill="url(#g)" width="10" height="10"/><use xlink:href="#g"/><text x="1">a &amp; b &#60; c</text></svg>\n`,
    `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg ${NS} style="fill: red"><path d="M0 0L1 1"/></svg>`,
  ])('accepts plain drawings: %s', async (svg) => {
    expect(await check(svg)).toBeNull();
  });

  it.each([
    ['a script', `<svg ${NS}><script>alert(1)</script></svg>`],
    ['a prefixed script', `<svg ${NS} xmlns:x="http://www.w3.org/2000/svg"><x:script>alert(1)</x:script></svg>`],
    ['a script after 4,100 bytes', `<svg ${NS}><desc>${'a'.repeat(5000)}</desc><script>alert(1)</script></svg>`],
    ['an entity-encoded javascript: link', `<svg ${NS}><a href="javascript&#58;alert(1)"><text>x</text></a></svg>`],
    ['an entity-encoded javascript: use', `<svg ${NS}><use href="javascript&#x3a;alert(1)"/></svg>`],
    ['an event handler', `<svg ${NS} onload="alert(1)"/>`],
    ['an upper-case event handler', `<svg ${NS}><rect ONCLICK="alert(1)"/></svg>`],
    ['foreignObject with HTML', `<svg ${NS}><foreignObject><body xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></body></foreignObject></svg>`],
    ['an animation that sets a link', `<svg ${NS}><a><set attributeName="href" to="javascript:alert(1)"/><text>x</text></a></svg>`],
    ['an internal DTD with entities', `<!DOCTYPE svg [<!ENTITY x "&#60;script&#62;">]><svg ${NS}>&x;</svg>`],
    ['a CDATA section', `<svg ${NS}><![CDATA[<script>alert(1)</script>]]></svg>`],
    ['a stylesheet processing instruction', `<?xml-stylesheet href="data:text/css,x"?><svg ${NS}/>`],
    ['an XHTML default namespace', `<svg xmlns="http://www.w3.org/1999/xhtml"><rect/></svg>`],
    ['an external image', `<svg ${NS}><image href="https://evil.example/x.png"/></svg>`],
    ['an external url()', `<svg ${NS}><rect fill="url(https://evil.example/track)"/></svg>`],
    ['a style element', `<svg ${NS}><style>@import url(https://evil.example/x.css)</style></svg>`],
    ['an unknown entity', `<svg ${NS}><a href="javascript&colon;alert(1)"/></svg>`],
    ['unquoted attributes', `<svg ${NS}><rect onload=alert(1) /></svg>`],
    ['HTML', `<html><body><script>alert(1)</script></body></html>`],
    ['an unterminated document', `<svg ${NS}><g>`],
    ['a second root', `<svg ${NS}/><script>alert(1)</script>`],
  ])('refuses %s', async (_name, svg) => {
    expect(await check(svg)).toMatch(/active markup|not an SVG|complete SVG|outside the svg element|root element/);
  });

  it('refuses markup anywhere in a text file, after 4,100 bytes too', async () => {
    expect(await check('a,b\n1,2\n', 'text/csv')).toBeNull();
    expect(await check(`${'x'.repeat(5000)}<script>alert(1)</script>`, 'text/plain')).toMatch(/active markup/);
    expect(await check('hello <x:script>alert(1)</x:script>', 'text/plain')).toMatch(/active markup/);
    expect(await check('<!-- a comment -->', 'text/plain')).toMatch(/active markup/);
  });
});
