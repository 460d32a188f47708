import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { REQUEST_TYPES, type RequestType } from '../../shared/types.ts';
import { api } from '../api.ts';
import { AdminTabs } from './AdminTabs.tsx';
import { bindInput, type Profile, type SettingsPage, useSettingsPage } from './forms/settings.tsx';
import { moveItem, type PhraseRuleDraft, phraseRulesFromDrafts, splitList } from './rules/drafts.ts';

type RoutingRule = Profile['routingRules'][number];
type Tried = paths['/api/v1/settings/try-message']['post']['responses'][200]['content']['application/json'];

/**
 * Where requests go and how a message gets its type: the routing rules (types, keywords → area) and
 * the phrase rules of classification, each in priority order, and a box to try a message on the rules
 * being edited before saving them.
 */
export function AdminRules() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  return (
    <>
      <AdminTabs />
      {page.status}
      {page.profile ? (
        <RulesForms key={page.version} page={page} profile={page.profile} />
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

function RulesForms({ page, profile }: { page: SettingsPage; profile: Profile }) {
  const [routing, setRouting] = useState(() =>
    profile.routingRules.map((r) => ({ ...r, keywordsText: r.keywords.join(', ') })),
  );
  const [phrases, setPhrases] = useState<PhraseRuleDraft[]>(() =>
    profile.classification.rules.map((r) => ({
      requestType: r.requestType,
      subtype: r.subtype ?? '',
      phrasesText: r.phrases.join('\n'),
    })),
  );
  const routingRules = (): RoutingRule[] =>
    routing.map(({ keywordsText, ...rule }) => ({ ...rule, keywords: splitList(keywordsText) }));
  return (
    <>
      <RoutingForm page={page} profile={profile} rows={routing} setRows={setRouting} rules={routingRules} />
      <ClassificationForm page={page} rows={phrases} setRows={setPhrases} />
      <TryMessage routingRules={routingRules} classificationRules={() => phraseRulesFromDrafts(phrases)} />
    </>
  );
}

type RoutingRow = RoutingRule & { keywordsText: string };

function RoutingForm({
  page,
  profile,
  rows,
  setRows,
  rules,
}: {
  page: SettingsPage;
  profile: Profile;
  rows: RoutingRow[];
  setRows: (rows: RoutingRow[]) => void;
  rules: () => RoutingRule[];
}) {
  const { t } = useTranslation(['console', 'common']);
  const update = (i: number, change: Partial<RoutingRow>) =>
    setRows(rows.map((row, j) => (j === i ? { ...row, ...change } : row)));
  return (
    <form
      className="form"
      onSubmit={page.onSubmit(() => page.save('routingRules', rules()))}
      aria-labelledby="routing-heading"
    >
      <h2 id="routing-heading">{t('rulesAdmin.routing.heading')}</h2>
      <p className="muted">{t('rulesAdmin.routing.intro')}</p>
      {page.errorAt('routingRules', true) && (
        <p className="field__error" id={bindInput('routingRules', undefined).id}>
          {page.errorAt('routingRules', true)}
        </p>
      )}
      <ol className="rule-list">
        {rows.map((row, i) => {
          const path = `routingRules.${i}`;
          const label = t('rulesAdmin.routing.rule', { n: i + 1 });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a rule has no identity but its place in the order
            <li key={i} className="panel" data-testid={`routing-rule-${i}`}>
              <fieldset className="fieldset" disabled={!page.canEdit}>
                <legend>{label}</legend>
                <fieldset
                  className="fieldset"
                  {...bindInput(`${path}.requestTypes`, page.errorAt(`${path}.requestTypes`))}
                >
                  <legend>{t('rulesAdmin.routing.types')}</legend>
                  <p className="muted">{t('rulesAdmin.routing.typesHint')}</p>
                  {REQUEST_TYPES.map((type) => (
                    <label key={type} className="checkbox">
                      <input
                        type="checkbox"
                        checked={row.requestTypes.includes(type)}
                        onChange={(event) =>
                          update(i, {
                            requestTypes: event.target.checked
                              ? [...row.requestTypes, type]
                              : row.requestTypes.filter((x) => x !== type),
                          })
                        }
                      />{' '}
                      {t(`common:requestType.${type}`)}
                    </label>
                  ))}
                </fieldset>
                <Field
                  id={bindInput(`${path}.keywords`, undefined).id}
                  label={t('rulesAdmin.routing.keywords')}
                  hint={t('rulesAdmin.routing.keywordsHint')}
                  error={page.errorAt(`${path}.keywords`)}
                >
                  <input
                    {...bindInput(`${path}.keywords`, page.errorAt(`${path}.keywords`), true)}
                    value={row.keywordsText}
                    onChange={(event) => update(i, { keywordsText: event.target.value })}
                  />
                </Field>
                <Field
                  id={bindInput(`${path}.area`, undefined).id}
                  label={t('rulesAdmin.routing.area')}
                  error={page.errorAt(`${path}.area`)}
                >
                  <select
                    {...bindInput(`${path}.area`, page.errorAt(`${path}.area`))}
                    value={row.area}
                    onChange={(event) => update(i, { area: event.target.value })}
                  >
                    {profile.areas.some((a) => a.code === row.area) ? null : (
                      <option value={row.area}>{row.area}</option>
                    )}
                    {profile.areas.map((area) => (
                      <option key={area.code} value={area.code}>
                        {area.name}
                      </option>
                    ))}
                  </select>
                </Field>
                <OrderButtons
                  label={label}
                  index={i}
                  count={rows.length}
                  onMove={(to) => setRows(moveItem(rows, i, to))}
                  onRemove={() => setRows(rows.filter((_, j) => j !== i))}
                />
              </fieldset>
            </li>
          );
        })}
      </ol>
      {page.canEdit && (
        <div className="inline-form">
          <button
            type="button"
            className="button"
            onClick={() =>
              setRows([
                { requestTypes: [], keywords: [], keywordsText: '', area: profile.areas[0]?.code ?? '' },
                ...rows,
              ])
            }
          >
            {t('rulesAdmin.routing.add')}
          </button>
          <button type="submit" className="button button--primary" disabled={page.busy}>
            {t('rulesAdmin.routing.save')}
          </button>
        </div>
      )}
    </form>
  );
}

function ClassificationForm({
  page,
  rows,
  setRows,
}: {
  page: SettingsPage;
  rows: PhraseRuleDraft[];
  setRows: (rows: PhraseRuleDraft[]) => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const update = (i: number, change: Partial<PhraseRuleDraft>) =>
    setRows(rows.map((row, j) => (j === i ? { ...row, ...change } : row)));
  return (
    <form
      className="form"
      onSubmit={page.onSubmit(() => page.save('classification', { rules: phraseRulesFromDrafts(rows) }))}
      aria-labelledby="classification-heading"
    >
      <h2 id="classification-heading">{t('rulesAdmin.classification.heading')}</h2>
      <p className="muted">{t('rulesAdmin.classification.intro')}</p>
      <ol className="rule-list">
        {rows.map((row, i) => {
          const path = `classification.rules.${i}`;
          const label = t('rulesAdmin.classification.rule', { n: i + 1 });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: a rule has no identity but its place in the order
            <li key={i} className="panel" data-testid={`classification-rule-${i}`}>
              <fieldset className="fieldset" disabled={!page.canEdit}>
                <legend>{label}</legend>
                <Field
                  id={bindInput(`${path}.requestType`, undefined).id}
                  label={t('rulesAdmin.classification.type')}
                  error={page.errorAt(`${path}.requestType`)}
                >
                  <select
                    {...bindInput(`${path}.requestType`, page.errorAt(`${path}.requestType`))}
                    value={row.requestType}
                    onChange={(event) => update(i, { requestType: event.target.value as RequestType })}
                  >
                    {REQUEST_TYPES.map((type) => (
                      <option key={type} value={type}>
                        {t(`common:requestType.${type}`)}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field
                  id={bindInput(`${path}.subtype`, undefined).id}
                  label={t('rulesAdmin.classification.subtype')}
                  hint={t('rulesAdmin.classification.subtypeHint')}
                  error={page.errorAt(`${path}.subtype`)}
                >
                  <input
                    {...bindInput(`${path}.subtype`, page.errorAt(`${path}.subtype`), true)}
                    value={row.subtype}
                    onChange={(event) => update(i, { subtype: event.target.value })}
                  />
                </Field>
                <Field
                  id={bindInput(`${path}.phrases`, undefined).id}
                  label={t('rulesAdmin.classification.phrases')}
                  hint={t('rulesAdmin.classification.phrasesHint')}
                  error={page.errorAt(`${path}.phrases`)}
                >
                  <textarea
                    {...bindInput(`${path}.phrases`, page.errorAt(`${path}.phrases`), true)}
                    rows={3}
                    value={row.phrasesText}
                    onChange={(event) => update(i, { phrasesText: event.target.value })}
                  />
                </Field>
                <OrderButtons
                  label={label}
                  index={i}
                  count={rows.length}
                  onMove={(to) => setRows(moveItem(rows, i, to))}
                  onRemove={() => setRows(rows.filter((_, j) => j !== i))}
                />
              </fieldset>
            </li>
          );
        })}
      </ol>
      {page.canEdit && (
        <div className="inline-form">
          <button
            type="button"
            className="button"
            onClick={() => setRows([{ requestType: 'consulta', subtype: '', phrasesText: '' }, ...rows])}
          >
            {t('rulesAdmin.classification.add')}
          </button>
          <button type="submit" className="button button--primary" disabled={page.busy}>
            {t('rulesAdmin.classification.save')}
          </button>
        </div>
      )}
    </form>
  );
}

function OrderButtons({
  label,
  index,
  count,
  onMove,
  onRemove,
}: {
  label: string;
  index: number;
  count: number;
  onMove: (to: number) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation('console');
  const hidden = <span className="visually-hidden"> {label}</span>;
  return (
    <div className="inline-form">
      <button
        type="button"
        className="button button--small"
        disabled={index === 0}
        onClick={() => onMove(index - 1)}
      >
        {t('rulesAdmin.up')}
        {hidden}
      </button>
      <button
        type="button"
        className="button button--small"
        disabled={index === count - 1}
        onClick={() => onMove(index + 1)}
      >
        {t('rulesAdmin.down')}
        {hidden}
      </button>
      <button type="button" className="button button--small" onClick={onRemove}>
        {t('rulesAdmin.remove')}
        {hidden}
      </button>
    </div>
  );
}

/** Tries a customer's message on the rules as edited, saved or not, as the intake would take it. */
function TryMessage({
  routingRules,
  classificationRules,
}: {
  routingRules: () => RoutingRule[];
  classificationRules: () => Profile['classification']['rules'];
}) {
  const { t } = useTranslation(['console', 'common']);
  const [text, setText] = useState('');
  const [requestType, setRequestType] = useState<RequestType | ''>('');
  const [result, setResult] = useState<Tried>();
  const [failure, setFailure] = useState<ApiError>();

  const run = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    setResult(undefined);
    try {
      setResult(
        await api.post<Tried>('/settings/try-message', {
          text,
          ...(requestType ? { requestType } : {}),
          routingRules: routingRules(),
          classification: { rules: classificationRules() },
        }),
      );
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    }
  };

  return (
    <form className="form panel" onSubmit={(event) => void run(event)} aria-labelledby="try-heading">
      <h2 id="try-heading">{t('rulesAdmin.try.heading')}</h2>
      <p className="muted">{t('rulesAdmin.try.intro')}</p>
      <Field id="try-text" label={t('rulesAdmin.try.text')} required>
        <textarea
          id="try-text"
          required
          rows={2}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </Field>
      <Field id="try-type" label={t('rulesAdmin.try.type')}>
        <select
          id="try-type"
          value={requestType}
          onChange={(event) => setRequestType(event.target.value as RequestType | '')}
        >
          <option value="">{t('rulesAdmin.try.byText')}</option>
          {REQUEST_TYPES.map((type) => (
            <option key={type} value={type}>
              {t(`common:requestType.${type}`)}
            </option>
          ))}
        </select>
      </Field>
      <button type="submit" className="button button--primary">
        {t('rulesAdmin.try.run')}
      </button>
      <ErrorMessage error={failure} />
      {result && (
        <dl className="facts" data-testid="try-result" aria-live="polite">
          <dt>{t('rulesAdmin.try.resultType')}</dt>
          <dd>
            {t(`common:requestType.${result.requestType}`)}
            {result.subtype ? ` · ${result.subtype}` : ''}
          </dd>
          <dt>{t('rulesAdmin.try.resultClassification')}</dt>
          <dd>
            {result.classification
              ? t('rulesAdmin.try.matched', {
                  n: result.classification.index + 1,
                  phrase: result.classification.phrase,
                })
              : t(requestType ? 'rulesAdmin.try.given' : 'rulesAdmin.try.noMatch')}
          </dd>
          <dt>{t('rulesAdmin.try.resultArea')}</dt>
          <dd data-testid="try-area">
            {result.area
              ? t('rulesAdmin.try.routed', { area: result.area.name, n: (result.routingRule ?? 0) + 1 })
              : t('rulesAdmin.try.unrouted')}
          </dd>
        </dl>
      )}
    </form>
  );
}
