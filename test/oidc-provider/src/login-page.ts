/** HTML of the provider's pages: plain, labelled forms a person (or Playwright) fills in. */

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const page = (title: string, body: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;background:#0b57d0;color:#fff;border:0;border-radius:4px}
[role=alert]{color:#a50e0e;margin-top:1rem}</style></head>
<body><main>${body}</main></body></html>`;

/** The sign-in form of an interaction; `error` is shown above it. */
export function loginPage(uid: string, clientName: string, error?: string, email = ''): string {
  return page(
    'Sign in',
    `<h1>Sign in</h1><p>to continue to ${escapeHtml(clientName)}</p>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login" autocomplete="off">
<label for="email">Email</label><input id="email" name="email" type="email" required value="${escapeHtml(email)}" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>`,
  );
}

/** RP-initiated logout confirmation: `form` is the provider's own form (hidden xsrf field). */
export function logoutPage(form: string): string {
  return page(
    'Sign out',
    `<h1>Sign out</h1><p>Sign out of the identity provider too?</p>${form}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Sign out</button>`,
  );
}

/** The page after a logout without a redirect back. */
export function loggedOutPage(): string {
  return page('Signed out', '<h1>Signed out</h1><p>You have signed out.</p>');
}

/** An error page without details beyond the OAuth error code. */
export function errorPage(code: string, description?: string): string {
  return page(
    'Sign-in error',
    `<h1>Sign-in error</h1><p>${escapeHtml(code)}</p>${description ? `<p>${escapeHtml(description)}</p>` : ''}`,
  );
}
