import { ApiError } from '../api/client';

/** A server error as the person should read it: the service's message, and field errors per field. */
export function ErrorText({ error }: { error: unknown }) {
  if (!error) return null;
  const message =
    error instanceof ApiError ? error.detail || error.code : String((error as Error).message ?? error);
  const fields = error instanceof ApiError ? error.fieldErrors : [];
  return (
    <div role="alert" className="error-text">
      <p>{message}</p>
      {fields.length > 0 && (
        <ul>
          {fields.map((f) => (
            <li key={f.path + f.message}>
              {f.path}: {f.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
