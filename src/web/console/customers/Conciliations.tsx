import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import type { paths } from '../../shared/api-types.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { useAsync } from '../../shared/hooks.ts';
import { api } from '../api.ts';
import { useSession } from '../session.tsx';

type Conciliation =
  paths['/api/v1/customers/{id}/conciliations']['get']['responses'][200]['content']['application/json'][number];

/** Today's date in the provider's time zone, as the date inputs take it. */
const todayIn = (timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());

/**
 * The customer's conciliations before the consumer agency: while one is open, no service it covers is
 * suspended for non-payment. Recorded (opened, expediente) and closed by those who may edit the customer.
 */
export function Conciliations({
  customerId,
  mayEdit,
  onChanged,
}: {
  customerId: string;
  mayEdit: boolean;
  onChanged: (notice: string) => Promise<void>;
}) {
  const { t } = useTranslation(['console', 'common']);
  const { timeZone } = useSession();
  const list = useAsync(
    () => api.get<Conciliation[]>(`/customers/${customerId}/conciliations`),
    [customerId],
  );
  const [expediente, setExpediente] = useState('');
  const [openedOn, setOpenedOn] = useState('');
  const [missing, setMissing] = useState(false);
  const [failure, setFailure] = useState<ApiError>();
  const [busy, setBusy] = useState(false);

  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setFailure(undefined);
    try {
      const notice = await run();
      await list.reload();
      await onChanged(notice);
      return true;
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
      return false;
    } finally {
      setBusy(false);
    }
  };

  const open = async (event: FormEvent) => {
    event.preventDefault();
    if (busy) return;
    if (!expediente.trim()) {
      setMissing(true);
      return;
    }
    const done = await act(async () => {
      await api.post(`/customers/${customerId}/conciliations`, {
        expediente: expediente.trim(),
        openedOn: openedOn || todayIn(timeZone),
      });
      return t('conciliations.opened', { expediente: expediente.trim() });
    });
    if (done) {
      setExpediente('');
      setOpenedOn('');
    }
  };

  const rows = list.data ?? [];
  return (
    <section className="panel customer-page__section" aria-labelledby="conciliations-heading">
      <h2 id="conciliations-heading">{t('conciliations.heading')}</h2>
      <p className="muted">{t('conciliations.explain')}</p>
      {rows.length === 0 ? (
        <p className="muted">{t('conciliations.none')}</p>
      ) : (
        <ul className="customer-page__list" data-testid="conciliations">
          {rows.map((row) => (
            <li key={row.id}>
              <span>
                {t('conciliations.item', { expediente: row.expediente, openedOn: row.openedOn })}{' '}
                <strong>
                  {row.closedOn
                    ? t('conciliations.closedOn', { date: row.closedOn })
                    : t('conciliations.open')}
                </strong>
              </span>
              {mayEdit && !row.closedOn && (
                <button
                  type="button"
                  className="button button--small"
                  disabled={busy}
                  onClick={() =>
                    void act(async () => {
                      await api.patch(`/customers/${customerId}/conciliations/${row.id}`, {
                        closedOn: todayIn(timeZone),
                      });
                      return t('conciliations.closed', { expediente: row.expediente });
                    })
                  }
                >
                  {t('conciliations.close')}
                  <span className="visually-hidden"> {row.expediente}</span>
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {mayEdit && (
        <form className="customer-page__inline-form" noValidate onSubmit={(event) => void open(event)}>
          <Field
            id="conciliation-expediente"
            label={t('conciliations.expediente')}
            error={missing ? t('conciliations.expedienteMissing') : undefined}
            required
          >
            <input
              {...describedBy('conciliation-expediente', {
                error: missing ? t('conciliations.expedienteMissing') : undefined,
              })}
              required
              autoComplete="off"
              value={expediente}
              onChange={(event) => {
                setExpediente(event.target.value);
                if (event.target.value.trim()) setMissing(false);
              }}
            />
          </Field>
          <Field id="conciliation-opened" label={t('conciliations.openedOn')}>
            <input
              id="conciliation-opened"
              type="date"
              max={todayIn(timeZone)}
              value={openedOn || todayIn(timeZone)}
              onChange={(event) => setOpenedOn(event.target.value)}
            />
          </Field>
          <button type="submit" className="button" disabled={busy}>
            {t('conciliations.record')}
          </button>
        </form>
      )}
      <ErrorMessage error={failure ?? list.error} />
    </section>
  );
}
