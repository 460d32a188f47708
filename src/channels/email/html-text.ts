// mailparser's own HTML-to-text runs table cells together ("MesFecha de pagoMonto"), so HTML-only mail
// is converted here: cells kept apart, quotes marked with `>` so the reply trimmer can drop them.

const LATIN1_ENTITIES =
  'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 ' +
  'acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde ' +
  'Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute ' +
  'Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde ' +
  'auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc ' +
  'otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml';

const ENTITIES = new Map<string, string>([
  ...LATIN1_ENTITIES.split(' ').map((name, i): [string, string] => [name, String.fromCharCode(160 + i)]),
  ['amp', '&'],
  ['lt', '<'],
  ['gt', '>'],
  ['quot', '"'],
  ['apos', "'"],
  ['euro', '€'],
  ['ndash', '–'],
  ['mdash', '—'],
  ['lsquo', '‘'],
  ['rsquo', '’'],
  ['sbquo', '‚'],
  ['ldquo', '“'],
  ['rdquo', '”'],
  ['bdquo', '„'],
  ['hellip', '…'],
  ['bull', '•'],
  ['trade', '™'],
]);

function decodeEntities(text: string): string {
  return text.replace(
    /&(?:#(\d{1,7})|#x([0-9a-f]{1,6})|([a-z][a-z0-9]{1,8}));/gi,
    (entity, dec, hex, name) => {
      if (name) return ENTITIES.get(name) ?? entity;
      const code = dec ? Number(dec) : Number.parseInt(hex, 16);
      const valid = code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff);
      return valid ? String.fromCodePoint(code) : '\uFFFD';
    },
  );
}

const SKIPPED = new Set(['head', 'style', 'script', 'title', 'template', 'xml']);
const PARAGRAPHS = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'dl']);
const BLOCKS = new Set([
  'div',
  'tr',
  'li',
  'dt',
  'dd',
  'section',
  'article',
  'header',
  'footer',
  'center',
  'address',
  'form',
  'fieldset',
  'caption',
  'tbody',
  'thead',
  'tfoot',
]);

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<![^>]*>|<\?[^>]*>|<(\/?)([a-zA-Z][\w:-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|[^<]+|</;
const HREF = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i;

class TextBuilder {
  private readonly lines: string[] = [];
  private current = '';
  private quoteDepth = 0;

  /** Adds inline text; a leading space is dropped at the start of a line or after another space. */
  append(text: string): void {
    this.current +=
      /^\s/.test(text) && (this.current === '' || this.current.endsWith(' ')) ? text.trimStart() : text;
  }

  appendVerbatim(text: string): void {
    this.current += text;
  }

  /** Ends the current line even when it is empty, as `<br>` does. */
  newline(): void {
    this.lines.push(`${'> '.repeat(this.quoteDepth)}${this.current}`);
    this.current = '';
  }

  breakLine(): void {
    if (this.current.trim() !== '') this.newline();
    else this.current = '';
  }

  blankLine(): void {
    this.breakLine();
    const blank = '> '.repeat(this.quoteDepth).trimEnd();
    if (this.lines.length > 0 && this.lines.at(-1)?.trimEnd() !== blank) this.newline();
  }

  cellSeparator(): void {
    this.current = `${this.current.trimEnd()} | `;
  }

  // The blank lines around a quote belong to the text around it, so they are not marked as quoted.
  enterQuote(): void {
    this.blankLine();
    this.quoteDepth++;
  }

  leaveQuote(): void {
    this.breakLine();
    this.quoteDepth = Math.max(0, this.quoteDepth - 1);
    this.blankLine();
  }

  /** The text so far, the last line ended, blank runs collapsed. */
  finish(): string {
    this.breakLine();
    const lines = this.lines.map((line) => line.trimEnd());
    return lines
      .filter((line, i) => line !== '' || (i > 0 && lines[i - 1] !== ''))
      .join('\n')
      .trim();
  }
}

/** `- ` in a bulleted list, `1. `, `2. `… in a numbered one (whose counter it advances). */
function listMarker(lists: Array<number | null>): string {
  const counter = lists.at(-1);
  if (typeof counter !== 'number') return '- ';
  lists[lists.length - 1] = counter + 1;
  return `${counter + 1}. `;
}

/** ` (url)` after a link's text, unless the text already shows the address or it is not a web link. */
function linkSuffix(link: { href: string; text: string }): string {
  if (!/^https?:\/\//i.test(link.href)) return '';
  const bare = link.href.replace(/^https?:\/\//i, '').replace(/\/$/, '');
  return link.text.includes(bare) ? '' : ` (${link.href})`;
}

/**
 * Readable plain text of an HTML body: head, styles and scripts dropped; paragraphs, `<br>` and rows as
 * line breaks; table cells separated by ` | `; links as "text (url)"; blockquotes as `> ` lines;
 * entities decoded and whitespace collapsed as a browser would.
 */
export function htmlToText(html: string): string {
  const out = new TextBuilder();
  let skipping: string | null = null;
  let preDepth = 0;
  let link: { href: string; text: string } | null = null;
  const cells: number[] = [];
  const lists: Array<number | null> = [];

  for (const [token, closing, rawName, attributes] of html.matchAll(new RegExp(TOKEN, 'g'))) {
    const name = rawName?.toLowerCase();
    if (skipping) {
      // `</head>` may be left out; the body starting ends it all the same.
      if ((closing && name === skipping) || (skipping === 'head' && name === 'body')) skipping = null;
      continue;
    }
    if (!name) {
      if (token.startsWith('<!') || token.startsWith('<?')) continue;
      const text = decodeEntities(token).replace(/\u00a0/g, ' ');
      if (preDepth > 0) {
        text.split(/\r?\n/).forEach((part, i) => {
          if (i > 0) out.newline();
          out.appendVerbatim(part);
        });
      } else {
        out.append(text.replace(/[ \t\r\n\f]+/g, ' '));
      }
      if (link) link.text += text;
      continue;
    }
    if (SKIPPED.has(name)) {
      if (!closing && !attributes?.trimEnd().endsWith('/')) skipping = name;
      continue;
    }
    switch (name) {
      case 'br':
        out.newline();
        break;
      case 'hr':
        out.breakLine();
        out.append('---');
        out.newline();
        break;
      case 'blockquote':
        if (closing) out.leaveQuote();
        else out.enterQuote();
        break;
      case 'tr':
        out.breakLine();
        if (closing) cells.pop();
        else cells.push(0);
        break;
      case 'td':
      case 'th':
        if (!closing) {
          const count = cells.pop() ?? 0;
          if (count > 0) out.cellSeparator();
          cells.push(count + 1);
        }
        break;
      case 'ul':
      case 'ol':
        out.blankLine();
        if (closing) lists.pop();
        else lists.push(name === 'ol' ? 0 : null);
        break;
      case 'li':
        out.breakLine();
        if (!closing) out.append(listMarker(lists));
        break;
      case 'a':
        if (!closing) {
          const match = HREF.exec(attributes ?? '');
          link = { href: decodeEntities(match?.[1] ?? match?.[2] ?? match?.[3] ?? '').trim(), text: '' };
        } else if (link) {
          out.append(linkSuffix(link));
          link = null;
        }
        break;
      case 'pre':
        out.blankLine();
        preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
        break;
      default:
        if (PARAGRAPHS.has(name)) out.blankLine();
        else if (BLOCKS.has(name)) out.breakLine();
    }
  }
  return out.finish();
}
