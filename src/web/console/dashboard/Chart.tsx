import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { currentLanguage } from '../../shared/i18n.ts';
import { type Cell, toCsv } from './csv.ts';
import { type ChartOption, echarts } from './echarts.ts';

/** A chart's data as a table: what the CSV holds and what a screen reader reads instead of the canvas. */
export interface ChartTable {
  header: string[];
  rows: Cell[][];
}

function download(href: string, filename: string) {
  const link = document.createElement('a');
  link.href = href;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
}

/**
 * One dashboard chart: its heading, the canvas (described by `summary` for screen readers), a hidden
 * table of the same rows, and downloads of both as CSV and PNG.
 */
export function Chart({
  id,
  title,
  summary,
  option,
  table,
  fileStem,
}: {
  id: string;
  title: string;
  summary: string;
  option: ChartOption;
  table: ChartTable;
  /** The downloads' name without extension, e.g. "volumen-canal-2026-11-01-2026-11-30". */
  fileStem: string;
}) {
  const { t, i18n } = useTranslation('console');
  const numbers = new Intl.NumberFormat(currentLanguage(i18n.language));
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts>(null);
  // The page rebuilds options on every render; redrawing an unchanged one would restart its animation.
  const drawn = useRef('');

  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const resize = () => instance.resize();
    window.addEventListener('resize', resize);
    return () => {
      window.removeEventListener('resize', resize);
      instance.dispose();
      chart.current = null;
      drawn.current = '';
    };
  }, []);

  useEffect(() => {
    const text = JSON.stringify(option);
    if (!chart.current || text === drawn.current) return;
    drawn.current = text;
    // The whole option each time: a series that disappeared with a filter must leave the chart too.
    chart.current.setOption(option, { notMerge: true });
  });

  const downloadCsv = () => {
    const url = URL.createObjectURL(
      new Blob([toCsv(table.header, table.rows)], { type: 'text/csv;charset=utf-8' }),
    );
    download(url, `${fileStem}.csv`);
    // The browser reads the file from the URL after the click returns; keep it a moment for slow ones.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const downloadPng = () => {
    const url = chart.current?.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    if (url) download(url, `${fileStem}.png`);
  };

  const headingId = `${id}-heading`;
  return (
    <section className="panel dashboard-chart" aria-labelledby={headingId} data-testid={id}>
      <div className="dashboard-chart__head">
        <h2 id={headingId}>{title}</h2>
        <div className="dashboard-chart__downloads">
          <button
            type="button"
            className="button button--small"
            aria-label={`${t('dashboard.downloadCsv')}: ${title}`}
            onClick={downloadCsv}
          >
            {t('dashboard.downloadCsv')}
          </button>
          <button
            type="button"
            className="button button--small"
            aria-label={`${t('dashboard.downloadPng')}: ${title}`}
            onClick={downloadPng}
          >
            {t('dashboard.downloadPng')}
          </button>
        </div>
      </div>
      {table.rows.length === 0 && <p className="muted">{t('dashboard.noData')}</p>}
      <div ref={element} className="dashboard-chart__canvas" role="img" aria-label={summary} />
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            {table.header.map((label) => (
              <th key={label} scope="col">
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {table.rows.map((row, r) => (
            // Rows have no identity of their own; they are redrawn whole on every answer.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above.
            <tr key={r}>
              {row.map((cell, c) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: cells of a row are positional.
                <td key={c}>{typeof cell === 'number' ? numbers.format(cell) : (cell ?? '')}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
