import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../shared/components.tsx';
import { Field } from '../../shared/Field.tsx';
import { useAsync } from '../../shared/hooks.ts';
import { REQUEST_TYPES, type RequestType } from '../../shared/types.ts';
import { api } from '../api.ts';
import { AdminTabs } from './AdminTabs.tsx';
import {
  bindInput,
  inputId,
  type PathError,
  type Profile,
  type SettingsPage,
  useSettingsPage,
} from './forms/settings.tsx';

type Deadlines = Profile['deadlines'];
type Policy = Deadlines['policies'][number];
type Target = Policy['firstResponse'];
type TargetDraft = { amount: string; unit: Target['unit']; clock: Target['clock'] };
type PolicyDraft = Omit<Policy, 'firstResponse' | 'resolution' | 'subtype'> & {
  subtype: string;
  firstResponse: TargetDraft;
  resolution: TargetDraft;
};
const UNITS: ReadonlyArray<Target['unit']> = ['minutes', 'hours', 'days'];
const CLOCKS: ReadonlyArray<Target['clock']> = ['business', 'calendar'];
const TARGETS = ['firstResponse', 'resolution'] as const;

const sameTarget = (a: Target, b: Target) =>
  a.amount === b.amount && a.unit === b.unit && a.clock === b.clock;
const defaultOf = (defaults: Policy[] | undefined, policy: { requestType: string; subtype?: string }) =>
  defaults?.find((d) => d.requestType === policy.requestType && (d.subtype ?? '') === (policy.subtype ?? ''));

/**
 * Deadline policies per request type and subtype (first response and resolution, in business or calendar
 * time), each with where its figure comes from, marked when it departs from Atiende's default; and when
 * the assignee is warned.
 */
export function AdminDeadlines() {
  const { t } = useTranslation(['console', 'common']);
  const page = useSettingsPage();
  const defaults = useAsync(() => api.get<Policy[]>('/settings/deadline-defaults'), []);
  return (
    <>
      <AdminTabs />
      <h2>{t('serviceAdmin.deadlines.heading')}</h2>
      <p className="muted">{t('serviceAdmin.deadlines.intro')}</p>
      {page.status}
      <ErrorMessage error={defaults.error} />
      {page.profile ? (
        <DeadlinesForm
          key={page.version}
          page={page}
          deadlines={page.profile.deadlines}
          subtypes={page.profile.requestSubtypes}
          defaults={defaults.data}
        />
      ) : (
        <p>{t('common:loading')}</p>
      )}
    </>
  );
}

function DeadlinesForm({
  page,
  deadlines,
  subtypes,
  defaults,
}: {
  page: SettingsPage;
  deadlines: Deadlines;
  subtypes: Profile['requestSubtypes'];
  defaults: Policy[] | undefined;
}) {
  const { t } = useTranslation(['console', 'common']);
  const toDraft = (target: Target): TargetDraft => ({ ...target, amount: String(target.amount) });
  const [policies, setPolicies] = useState<PolicyDraft[]>(() =>
    deadlines.policies.map((p) => ({
      ...p,
      subtype: p.subtype ?? '',
      firstResponse: toDraft(p.firstResponse),
      resolution: toDraft(p.resolution),
    })),
  );
  const [warnAt, setWarnAt] = useState(String(Math.round(deadlines.warnAt * 100)));
  const change = (index: number, next: Partial<PolicyDraft>) =>
    setPolicies((all) => all.map((p, i) => (i === index ? { ...p, ...next } : p)));

  const submit = () => {
    const problems: PathError[] = [];
    const amountOf = (draft: TargetDraft, path: string) => {
      const amount = Number(draft.amount.replace(',', '.'));
      if (!draft.amount.trim() || !Number.isFinite(amount) || amount <= 0) {
        problems.push({ path, message: t('serviceAdmin.deadlines.amountInvalid') });
      }
      return amount;
    };
    const value = policies.map((p, i) => ({
      requestType: p.requestType,
      ...(p.subtype ? { subtype: p.subtype } : {}),
      firstResponse: {
        ...p.firstResponse,
        amount: amountOf(p.firstResponse, `deadlines.policies.${i}.firstResponse.amount`),
      },
      resolution: {
        ...p.resolution,
        amount: amountOf(p.resolution, `deadlines.policies.${i}.resolution.amount`),
      },
      source: p.source.trim(),
    }));
    const percent = Number(warnAt);
    if (!Number.isInteger(percent) || percent < 10 || percent > 99) {
      problems.push({ path: 'deadlines.warnAt', message: t('serviceAdmin.deadlines.warnAtInvalid') });
    }
    return page.save('deadlines', { ...deadlines, warnAt: percent / 100, policies: value }, problems);
  };

  const warnError = page.errorAt('deadlines.warnAt');
  const policiesError = page.errorAt('deadlines.policies', true);
  return (
    <form className="form" onSubmit={page.onSubmit(submit)} aria-label={t('serviceAdmin.deadlines.heading')}>
      <fieldset className="fieldset" disabled={!page.canEdit}>
        <legend>{t('serviceAdmin.deadlines.warning')}</legend>
        <Field
          id={bindInput('deadlines.warnAt', warnError).id}
          label={t('serviceAdmin.deadlines.warnAt')}
          hint={t('serviceAdmin.deadlines.warnAtHint')}
          error={warnError}
          required
        >
          <input
            {...bindInput('deadlines.warnAt', warnError, true)}
            type="number"
            min={10}
            max={99}
            step={1}
            required
            value={warnAt}
            onChange={(event) => setWarnAt(event.target.value)}
          />
        </Field>
      </fieldset>
      {policiesError && (
        <p className="field__error" id={inputId('deadlines.policies')}>
          {policiesError}
        </p>
      )}
      {policies.map((policy, i) => {
        const path = `deadlines.policies.${i}`;
        const subtypeName = subtypes.find(
          (s) => s.type === policy.requestType && s.code === policy.subtype,
        )?.name;
        const title = `${t(`common:requestType.${policy.requestType}`)} — ${subtypeName ?? (policy.subtype || t('serviceAdmin.deadlines.general'))}`;
        const known = defaultOf(defaults, policy);
        const numeric = (d: TargetDraft): Target => ({ ...d, amount: Number(d.amount) });
        const edited =
          known &&
          !(
            sameTarget(numeric(policy.firstResponse), known.firstResponse) &&
            sameTarget(numeric(policy.resolution), known.resolution) &&
            policy.source.trim() === known.source
          );
        const mark = !defaults ? undefined : !known ? 'own' : edited ? 'edited' : 'default';
        const sourceError = page.errorAt(`${path}.source`);
        const choices = subtypes.filter((s) => s.type === policy.requestType);
        return (
          <fieldset
            // biome-ignore lint/suspicious/noArrayIndexKey: two policies may share type and subtype while being typed.
            key={i}
            className="fieldset"
            disabled={!page.canEdit}
            data-testid="deadline-policy"
          >
            <legend>
              {title}{' '}
              {mark && (
                <span className={`badge badge--${mark}`} data-testid="policy-mark">
                  {t(`serviceAdmin.deadlines.mark.${mark}`)}
                </span>
              )}
            </legend>
            <div className="inline-form">
              <Field
                id={bindInput(`${path}.requestType`, undefined).id}
                label={t('serviceAdmin.deadlines.requestType')}
              >
                <select
                  {...bindInput(`${path}.requestType`, undefined)}
                  value={policy.requestType}
                  onChange={(event) =>
                    change(i, { requestType: event.target.value as RequestType, subtype: '' })
                  }
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
                label={t('serviceAdmin.deadlines.subtype')}
              >
                <select
                  {...bindInput(`${path}.subtype`, undefined)}
                  value={policy.subtype}
                  onChange={(event) => change(i, { subtype: event.target.value })}
                >
                  <option value="">{t('serviceAdmin.deadlines.general')}</option>
                  {policy.subtype && !choices.some((s) => s.code === policy.subtype) && (
                    <option value={policy.subtype}>{policy.subtype}</option>
                  )}
                  {choices.map((s) => (
                    <option key={s.code} value={s.code}>
                      {s.name}
                    </option>
                  ))}
                </select>
              </Field>
            </div>
            {TARGETS.map((kind) => {
              const target = policy[kind];
              const at = `${path}.${kind}`;
              const amountError = page.errorAt(`${at}.amount`);
              const set = (next: Partial<TargetDraft>) => change(i, { [kind]: { ...target, ...next } });
              return (
                <fieldset key={kind} className="inline-form">
                  <legend>{t(`serviceAdmin.deadlines.${kind}`)}</legend>
                  <Field
                    id={bindInput(`${at}.amount`, amountError).id}
                    label={t('serviceAdmin.deadlines.amount')}
                    error={amountError}
                    required
                  >
                    <input
                      {...bindInput(`${at}.amount`, amountError)}
                      inputMode="decimal"
                      required
                      value={target.amount}
                      onChange={(event) => set({ amount: event.target.value })}
                    />
                  </Field>
                  <Field id={bindInput(`${at}.unit`, undefined).id} label={t('serviceAdmin.deadlines.unit')}>
                    <select
                      {...bindInput(`${at}.unit`, undefined)}
                      value={target.unit}
                      onChange={(event) => set({ unit: event.target.value as Target['unit'] })}
                    >
                      {UNITS.map((unit) => (
                        <option key={unit} value={unit}>
                          {t(`serviceAdmin.deadlines.units.${unit}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                  <Field
                    id={bindInput(`${at}.clock`, undefined).id}
                    label={t('serviceAdmin.deadlines.clock')}
                  >
                    <select
                      {...bindInput(`${at}.clock`, undefined)}
                      value={target.clock}
                      onChange={(event) => set({ clock: event.target.value as Target['clock'] })}
                    >
                      {CLOCKS.map((clock) => (
                        <option key={clock} value={clock}>
                          {t(`serviceAdmin.deadlines.clocks.${clock}`)}
                        </option>
                      ))}
                    </select>
                  </Field>
                </fieldset>
              );
            })}
            <Field
              id={bindInput(`${path}.source`, sourceError).id}
              label={t('serviceAdmin.deadlines.source')}
              error={sourceError}
              required
            >
              <textarea
                {...bindInput(`${path}.source`, sourceError)}
                required
                rows={2}
                maxLength={1000}
                value={policy.source}
                onChange={(event) => change(i, { source: event.target.value })}
              />
            </Field>
            {edited && known && (
              <p className="muted" data-testid="policy-default">
                {t('serviceAdmin.deadlines.defaultWas', {
                  firstResponse: describe(known.firstResponse),
                  resolution: describe(known.resolution),
                  source: known.source,
                })}
              </p>
            )}
            <button
              type="button"
              className="button button--small"
              onClick={() => setPolicies((all) => all.filter((_, k) => k !== i))}
            >
              {t('serviceAdmin.remove')}
              <span className="visually-hidden"> {title}</span>
            </button>
          </fieldset>
        );
      })}
      {page.canEdit && (
        <>
          <button
            type="button"
            className="button button--small"
            onClick={() =>
              setPolicies((all) => [
                ...all,
                {
                  requestType: 'falla',
                  subtype: '',
                  firstResponse: { amount: '4', unit: 'hours', clock: 'business' },
                  resolution: { amount: '5', unit: 'days', clock: 'business' },
                  source: '',
                },
              ])
            }
          >
            {t('serviceAdmin.deadlines.add')}
          </button>
          <button type="submit" className="button button--primary" disabled={page.busy}>
            {t('serviceAdmin.deadlines.save')}
          </button>
        </>
      )}
    </form>
  );

  function describe(target: Target) {
    return t('serviceAdmin.deadlines.target', {
      amount: target.amount,
      unit: t(`serviceAdmin.deadlines.units.${target.unit}`),
      clock: t(`serviceAdmin.deadlines.clocks.${target.clock}`),
    });
  }
}
