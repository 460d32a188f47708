import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../shared/api.ts';
import { ErrorMessage } from '../../shared/components.tsx';
import { describedBy, Field } from '../../shared/Field.tsx';
import { type Agent, ROLES, type Role } from '../../shared/types.ts';
import { api } from '../api.ts';
import { weakPasswordText } from '../password.ts';
import { useSession } from '../session.tsx';
import { AdminTabs } from './AdminTabs.tsx';

interface AgentDraft {
  name: string;
  role: Role;
  areaIds: number[];
  maxOpenCases: number;
}

function AreaChoices({
  name,
  value,
  onChange,
}: {
  name: string;
  value: number[];
  onChange: (areaIds: number[]) => void;
}) {
  const { t } = useTranslation(['console', 'common']);
  const { areas } = useSession();
  return (
    <fieldset className="checkboxes">
      <legend>{t('admin.agents.areas')}</legend>
      {areas.map((area) => (
        <label key={area.id}>
          <input
            type="checkbox"
            name={name}
            checked={value.includes(area.id)}
            onChange={(event) =>
              onChange(event.target.checked ? [...value, area.id] : value.filter((id) => id !== area.id))
            }
          />
          {area.name}
        </label>
      ))}
    </fieldset>
  );
}

function RoleSelect({ id, value, onChange }: { id: string; value: Role; onChange: (role: Role) => void }) {
  const { t } = useTranslation(['console', 'common']);
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.target.value as Role)}>
      {ROLES.map((role) => (
        <option key={role} value={role}>
          {t(`role.${role}`)}
        </option>
      ))}
    </select>
  );
}

function EditAgent({ agent, onDone }: { agent: Agent; onDone: (notice: string) => Promise<void> }) {
  const { t } = useTranslation(['console', 'common']);
  const [draft, setDraft] = useState<AgentDraft>({
    name: agent.name,
    role: agent.role,
    areaIds: agent.areaIds,
    maxOpenCases: agent.maxOpenCases,
  });
  const [failure, setFailure] = useState<ApiError>();
  const save = async (patch: object, notice: string) => {
    setFailure(undefined);
    try {
      await api.patch(`/agents/${agent.id}`, patch);
      await onDone(notice);
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void save(draft, t('admin.agents.saved'));
  };
  return (
    <>
      <form className="form panel" onSubmit={submit} aria-labelledby="edit-agent-heading">
        <h2 id="edit-agent-heading">{t('admin.agents.edit', { name: agent.name })}</h2>
        <Field id="edit-name" label={t('admin.agents.name')}>
          <input
            id="edit-name"
            value={draft.name}
            onChange={(event) => setDraft({ ...draft, name: event.target.value })}
          />
        </Field>
        <Field id="edit-role" label={t('admin.agents.role')}>
          <RoleSelect id="edit-role" value={draft.role} onChange={(role) => setDraft({ ...draft, role })} />
        </Field>
        <AreaChoices
          name="edit-areas"
          value={draft.areaIds}
          onChange={(areaIds) => setDraft({ ...draft, areaIds })}
        />
        <Field id="edit-max" label={t('admin.agents.maxOpenCases')}>
          <input
            id="edit-max"
            type="number"
            min={0}
            max={1000}
            value={draft.maxOpenCases}
            onChange={(event) => setDraft({ ...draft, maxOpenCases: Number(event.target.value) })}
          />
        </Field>
        <ErrorMessage error={failure} />
        <div className="actions">
          <button type="submit" className="button button--primary">
            {t('admin.agents.save')}
          </button>
          <button
            type="button"
            className={agent.active ? 'button button--danger' : 'button'}
            onClick={() => void save({ active: !agent.active }, t('admin.agents.saved'))}
          >
            {agent.active ? t('admin.agents.deactivate') : t('admin.agents.reactivate')}
          </button>
        </div>
      </form>
      <ResetPassword agent={agent} onDone={onDone} />
    </>
  );
}

/**
 * An admin's password reset: asked once more, then the temporary password is shown here only, to be
 * handed over in person; the agent chooses their own at the next login.
 */
function ResetPassword({ agent, onDone }: { agent: Agent; onDone: (notice: string) => Promise<void> }) {
  const { t } = useTranslation(['console', 'common']);
  const [confirming, setConfirming] = useState(false);
  const [temporary, setTemporary] = useState<string>();
  const [failure, setFailure] = useState<ApiError>();
  const reset = async () => {
    setFailure(undefined);
    try {
      const answer = await api.post<{ temporaryPassword: string }>(`/agents/${agent.id}/password-reset`);
      setConfirming(false);
      setTemporary(answer.temporaryPassword);
      await onDone(t('admin.agents.resetDone', { name: agent.name }));
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    }
  };
  return (
    <section className="form panel" aria-labelledby="reset-password-heading">
      <h2 id="reset-password-heading">{t('admin.agents.resetHeading', { name: agent.name })}</h2>
      {temporary ? (
        <div className="folio-box">
          <p className="folio-box__label">{t('admin.agents.temporaryLabel', { name: agent.name })}</p>
          <p className="temporary-password" data-testid="temporary-password">
            {temporary}
          </p>
          <p>{t('admin.agents.temporaryHint', { name: agent.name })}</p>
        </div>
      ) : confirming ? (
        <>
          <p>{t('admin.agents.resetConfirm', { name: agent.name })}</p>
          <div className="actions">
            <button type="button" className="button button--danger" onClick={() => void reset()}>
              {t('admin.agents.resetConfirmButton')}
            </button>
            <button type="button" className="button" onClick={() => setConfirming(false)}>
              {t('admin.agents.cancel')}
            </button>
          </div>
        </>
      ) : (
        <>
          <p>{t('admin.agents.resetIntro')}</p>
          <div className="actions">
            <button type="button" className="button" onClick={() => setConfirming(true)}>
              {t('admin.agents.reset')}
            </button>
          </div>
        </>
      )}
      <ErrorMessage error={failure} />
    </section>
  );
}

function CreateAgent({ onDone }: { onDone: (notice: string) => Promise<void> }) {
  const { t } = useTranslation(['console', 'common']);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [draft, setDraft] = useState<AgentDraft>({ name: '', role: 'agent', areaIds: [], maxOpenCases: 20 });
  const [failure, setFailure] = useState<ApiError>();
  const weakPassword = failure && weakPasswordText(t, failure);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(undefined);
    try {
      await api.post('/agents', { ...draft, email: email.trim(), name: draft.name.trim(), password });
      setEmail('');
      setPassword('');
      setDraft({ name: '', role: 'agent', areaIds: [], maxOpenCases: 20 });
      await onDone(t('admin.agents.created'));
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      setFailure(caught);
    }
  };
  return (
    <form className="form panel" onSubmit={(event) => void submit(event)} aria-labelledby="new-agent-heading">
      <h2 id="new-agent-heading">{t('admin.agents.createHeading')}</h2>
      <Field id="new-name" label={t('admin.agents.name')} required>
        <input
          id="new-name"
          required
          value={draft.name}
          onChange={(event) => setDraft({ ...draft, name: event.target.value })}
        />
      </Field>
      <Field id="new-email" label={t('admin.agents.email')} required>
        <input
          id="new-email"
          type="email"
          required
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />
      </Field>
      <Field
        id="new-password"
        label={t('admin.agents.password')}
        hint={t('admin.agents.passwordHint')}
        error={weakPassword}
        required
      >
        <input
          {...describedBy('new-password', { hint: true, error: weakPassword })}
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </Field>
      <Field id="new-role" label={t('admin.agents.role')}>
        <RoleSelect id="new-role" value={draft.role} onChange={(role) => setDraft({ ...draft, role })} />
      </Field>
      <AreaChoices
        name="new-areas"
        value={draft.areaIds}
        onChange={(areaIds) => setDraft({ ...draft, areaIds })}
      />
      <ErrorMessage error={weakPassword ? undefined : failure} />
      <button type="submit" className="button button--primary">
        {t('admin.agents.create')}
      </button>
    </form>
  );
}

/** Agents: who they are, their role and areas, whether they may log in; and new ones. */
export function AdminAgents() {
  const { t } = useTranslation(['console', 'common']);
  const { agents, areas, reloadDirectory } = useSession();
  const [editing, setEditing] = useState<string>();
  const [notice, setNotice] = useState('');
  const areaNames = (ids: number[]) =>
    ids.map((id) => areas.find((a) => a.id === id)?.name ?? String(id)).join(', ');
  const done = async (message: string) => {
    await reloadDirectory();
    setNotice(message);
  };
  const selected = agents.find((a) => a.id === editing);
  return (
    <>
      <AdminTabs />
      <p className="notice" role="status">
        {notice}
      </p>
      <div className="table-wrap">
        <table className="cases">
          <thead>
            <tr>
              <th scope="col">{t('admin.agents.name')}</th>
              <th scope="col">{t('admin.agents.email')}</th>
              <th scope="col">{t('admin.agents.role')}</th>
              <th scope="col">{t('admin.agents.areas')}</th>
              <th scope="col">{t('admin.agents.presence')}</th>
              <th scope="col">{t('admin.agents.active')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('admin.agents.save')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {agents.map((agent) => (
              <tr key={agent.id} className={agent.active ? undefined : 'row--inactive'}>
                <th scope="row">{agent.name}</th>
                <td>{agent.email}</td>
                <td>{t(`role.${agent.role}`)}</td>
                <td>{areaNames(agent.areaIds)}</td>
                <td>{t(`presence.${agent.presence}`)}</td>
                <td>{agent.active ? t('admin.agents.yes') : t('admin.agents.no')}</td>
                <td>
                  <button type="button" className="button button--small" onClick={() => setEditing(agent.id)}>
                    {t('admin.agents.edit', { name: agent.name })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {selected && <EditAgent key={selected.id} agent={selected} onDone={done} />}
      <CreateAgent onDone={done} />
    </>
  );
}
