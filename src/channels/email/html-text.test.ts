import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-text.ts';

const cases: Array<{ name: string; html: string; expected: string }> = [
  {
    name: 'head, styles, scripts and comments dropped',
    html: '<html><head><title>x</title><style>p{color:red}</style></head><body><!--[if mso]>x<![endif]--><p>Hola</p><script>alert(1)</script></body></html>',
    expected: 'Hola',
  },
  {
    name: 'a head left unclosed',
    html: '<html><head><meta charset="utf-8"><body>Hola</body>',
    expected: 'Hola',
  },
  {
    name: 'Gmail divs, with <div><br></div> as the blank line',
    html: '<div dir="ltr"><div>Gracias,</div><div><br></div><div>Ana</div></div>',
    expected: 'Gracias,\n\nAna',
  },
  {
    name: 'Outlook paragraphs with &nbsp; spacers',
    html: '<p class="MsoNormal">Buenas tardes:<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">Quedo atenta.</p>',
    expected: 'Buenas tardes:\n\nQuedo atenta.',
  },
  {
    name: 'source whitespace collapses; <br> breaks',
    html: '<p>Número de cuenta:&nbsp;0042-771-3108<br>\n   Teléfono:  (55)\n5634 8810</p>',
    expected: 'Número de cuenta: 0042-771-3108\nTeléfono: (55) 5634 8810',
  },
  {
    name: 'named and numeric entities',
    html: 'se&ntilde;al &iquest;por qu&eacute;? &#8220;premium&#8221; 12,50&nbsp;&euro; &#x2013; &amp; &lt;b&gt; &bogus;',
    expected: 'señal ¿por qué? “premium” 12,50 € – & <b> &bogus;',
  },
  {
    name: 'table rows on their own lines, cells apart',
    html: '<table><tr><th>Mes</th><th>Monto</th></tr>\n<tr>\n<td> Octubre </td>\n<td>$350.00</td>\n</tr></table><p>Fin</p>',
    expected: 'Mes | Monto\nOctubre | $350.00\n\nFin',
  },
  {
    name: 'links keep their address after the text',
    html: 'Ver <a href="https://drive.google.com/x">comprobantes</a>.',
    expected: 'Ver comprobantes (https://drive.google.com/x).',
  },
  {
    name: 'a link whose text is its address is not repeated',
    html: '<a href="https://monetmovil.com/">monetmovil.com</a> <a href="mailto:a@b.mx">a@b.mx</a>',
    expected: 'monetmovil.com a@b.mx',
  },
  {
    name: 'blockquotes become > lines',
    html: '<div>Sí.</div><blockquote class="gmail_quote"><div>¿Ya reinició?<br>Saludos</div><blockquote>Antes</blockquote></blockquote><div>Fin</div>',
    expected: 'Sí.\n\n> ¿Ya reinició?\n> Saludos\n>\n> > Antes\n>\n\nFin',
  },
  {
    name: 'lists',
    html: '<ul><li>Reinicié el módem</li><li>Cambié el cable</li></ul><ol><li>uno</li><li>dos</li></ol>',
    expected: '- Reinicié el módem\n- Cambié el cable\n\n1. uno\n2. dos',
  },
  {
    name: 'pre keeps its line breaks and spacing',
    html: '<pre>ping 8.8.8.8\n  timeout\n  timeout</pre>',
    expected: 'ping 8.8.8.8\n  timeout\n  timeout',
  },
  { name: 'a horizontal rule', html: 'Arriba<hr>Abajo', expected: 'Arriba\n---\nAbajo' },
  { name: 'images are left out', html: '<p>Foto: <img src="cid:x" alt="IMG_1.jpg"></p>', expected: 'Foto:' },
];

describe('htmlToText', () => {
  it.each(cases)('$name', ({ html, expected }) => {
    expect(htmlToText(html)).toBe(expected);
  });
});
