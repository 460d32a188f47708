import { type FormEvent, type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../shared/api.ts';
import type { paths } from '../../../shared/api-types.ts';
import { ErrorMessage } from '../../../shared/components.tsx';
import { ErrorSummary } from '../../../shared/Field.tsx';
import { useAsync } from '../../../shared/hooks.ts';
import { api } from '../../api.ts';
import { useSession } from '../../session.tsx';

/** The provider's settings in profile form, as `GET /api/v1/settings` answers them. */
export type Profile = paths['/api/v1/settings']['get']['responses'][200]['content']['application/json'];
export type Section = keyof Profile;

/** A problem with one input, named by its path in the profile (`channels.2.hours.monday`). */
export type PathError = { path: string; message: string };

/** The id of the input that edits a path of the profile; ids are also the error summary's anchors. */
export const inputId = (path: string) => `setting-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;

/**
 * The message the server gave for `field` inside a profile.invalid detail, which lists every issue as
 * `path: message` joined by `; ` (a message may itself contain `; `, so the next path ends it).
 */
function messageOf(detail: string | undefined, field: string): string | undefined {
  if (!detail) return undefined;
  const start = detail.indexOf(`${field}: `);
  if (start < 0) return undefined;
  const rest = detail.slice(start + field.length + 2);
  const next = /; [A-Za-z][\w-]*(?:\.[\w-]+)*: /.exec(rest);
  return next ? rest.slice(0, next.index) : rest;
}

/**
 * One settings page: loads the profile, saves one section through `PATCH /settings/:section`, and puts
 * the server's 422 (its `field` is the full path) at the input that edits it. Only admins change these
 * sections, so for anyone else the page is read-only.
 */
export function useSettingsPage() {
  const { t } = useTranslation('console');
  const { agent } = useSession();
  const canEdit = agent.role === 'admin';
  const loaded = useAsync(() => api.get<Profile>('/settings'), []);
  const [saved, setSaved] = useState<Profile>();
  // Drafts are keyed by it, so each page starts again from what the server kept after a save.
  const [version, setVersion] = useState(0);
  const [errors, setErrors] = useState<PathError[]>([]);
  const [failure, setFailure] = useState<ApiError>();
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const summaryRef = useRef<HTMLDivElement>(null);
  const seen = useRef(new Set<string>());

  /** The message for an input editing `path`: a problem at it or (unless `exact`) anywhere inside it. */
  const errorAt = (path: string, exact = false) => {
    seen.current.add(path);
    return errors.find((e) => e.path === path || (!exact && e.path.startsWith(`${path}.`)))?.message;
  };

  /** The nearest input a problem belongs to, for the summary's link. */
  const anchorOf = (path: string) => {
    const parts = path.split('.');
    for (let n = parts.length; n > 0; n--) {
      const prefix = parts.slice(0, n).join('.');
      if (seen.current.has(prefix)) return inputId(prefix);
    }
    return inputId(path);
  };

  const showErrors = (found: PathError[]) => {
    setErrors(found);
    if (found.length > 0) requestAnimationFrame(() => summaryRef.current?.focus());
  };

  /** Saves a section unless `clientErrors` found problems first; answers whether it was saved. */
  const save = async (section: Section, value: unknown, clientErrors: PathError[] = []) => {
    setFailure(undefined);
    setNotice('');
    if (clientErrors.length > 0) {
      showErrors(clientErrors);
      return false;
    }
    setBusy(true);
    try {
      const profile = await api.patch<Profile>(`/settings/${section}`, value);
      setSaved(profile);
      setVersion((v) => v + 1);
      showErrors([]);
      setNotice(t('serviceAdmin.saved'));
      return true;
    } catch (caught) {
      if (!(caught instanceof ApiError)) throw caught;
      if (caught.status === 422 && caught.field) {
        showErrors([
          {
            path: caught.field,
            message: t('serviceAdmin.invalid', { detail: messageOf(caught.detail, caught.field) ?? '' }),
          },
        ]);
      } else {
        showErrors([]);
        setFailure(caught);
      }
      return false;
    } finally {
      setBusy(false);
    }
  };

  /** Errors, the save's outcome and the summary linking to each input at fault, above the forms. */
  const status: ReactNode = (
    <>
      <ErrorMessage error={loaded.error ?? failure} />
      <ErrorSummary
        heading={t('serviceAdmin.errorsHeading')}
        errors={errors.map((e) => ({ field: anchorOf(e.path), message: e.message }))}
        summaryRef={summaryRef}
      />
      <p className="notice" role="status">
        {notice}
      </p>
      {!canEdit && <p className="muted">{t('serviceAdmin.readOnly')}</p>}
    </>
  );

  const onSubmit = (submit: () => Promise<unknown>) => (event: FormEvent) => {
    event.preventDefault();
    if (!busy && canEdit) void submit();
  };

  return {
    profile: saved ?? loaded.data,
    version,
    canEdit,
    busy,
    errorAt,
    save,
    status,
    onSubmit,
    showErrors,
  };
}

/** The attributes of an input editing `path`, wired to its error message (rendered by `Field`). */
export function bindInput(path: string, error: string | undefined, hint = false) {
  const id = inputId(path);
  const described = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': described || undefined,
  } as const;
}
export type SettingsPage = ReturnType<typeof useSettingsPage>;
