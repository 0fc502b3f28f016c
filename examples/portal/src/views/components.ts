import { Html, html } from './html.ts';

/** A field-level error, linked from the error summary. */
export interface FieldError {
  field?: string;
  text: string;
}

/** What every page knows about the visitor. */
export interface PageContext {
  serviceName: string;
  csrf: string;
  user?: { username: string; displayName: string; isAdmin: boolean } | undefined;
  flash?: { kind: 'success' | 'info'; title: string; text: string } | undefined;
  demo: boolean;
}

/** The hidden CSRF field every form carries. */
export function csrfField(ctx: { csrf: string }): Html {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf}">`;
}

/** GOV.UK-style error summary: receives focus, links to each field. */
export function errorSummary(errors: FieldError[]): Html {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
<h2 id="error-summary-title">There is a problem</h2>
<ul>${errors.map((e) => (e.field ? html`<li><a href="#${e.field}">${e.text}</a></li>` : html`<li>${e.text}</li>`))}</ul>
</div>`;
}

/** Options for {@link textInput}. */
export interface TextInputOptions {
  name: string;
  label: string;
  hint?: string;
  value?: string;
  type?: 'text' | 'password' | 'tel' | 'search';
  autocomplete?: string;
  inputmode?: 'numeric' | 'text' | 'tel';
  width10?: boolean;
  errors?: FieldError[];
  maxlength?: number;
  autofocus?: boolean;
}

/** A labelled text input with hint and error message wired through aria-describedby. */
export function textInput(o: TextInputOptions): Html {
  const error = o.errors?.find((e) => e.field === o.name);
  const describedBy = [o.hint ? `${o.name}-hint` : '', error ? `${o.name}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="form-group${error ? ' form-group-error' : ''}">
<label for="${o.name}">${o.label}</label>
${o.hint ? html`<span class="hint" id="${o.name}-hint">${o.hint}</span>` : ''}
${error ? html`<span class="error-message" id="${o.name}-error"><span class="visually-hidden">Error:</span> ${error.text}</span>` : ''}
<input id="${o.name}" name="${o.name}" type="${o.type ?? 'text'}"${o.value !== undefined ? html` value="${o.value}"` : ''}${
    o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''
  }${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${o.maxlength ? html` maxlength="${o.maxlength}"` : ''}${
    describedBy ? html` aria-describedby="${describedBy}"` : ''
  }${error ? html` aria-invalid="true"` : ''}${o.autofocus ? html` autofocus` : ''} class="${error ? 'input-error' : ''}${o.width10 ? ' width-10' : ''}" spellcheck="false">
</div>`;
}

/** A notification banner for a flash message. */
export function notice(flash: PageContext['flash']): Html {
  if (!flash) return html``;
  return html`<div class="notice${flash.kind === 'success' ? ' notice-success' : ''}" role="${flash.kind === 'success' ? 'status' : 'region'}" aria-labelledby="notice-title">
<h2 id="notice-title">${flash.title}</h2><p>${flash.text}</p></div>`;
}

/** A definition-list summary of key facts. */
export function summaryList(rows: [string, unknown][]): Html {
  return html`<dl class="summary">${rows.map(([k, v]) => html`<div><dt>${k}</dt><dd>${v}</dd></div>`)}</dl>`;
}

/** A date and time in a calm, unambiguous form (UTC). */
export function formatDate(value: Date | string | null | undefined): string {
  if (!value) return 'Never';
  const d = new Date(value);
  const date = d.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' });
  return `${date} at ${time} UTC`;
}

/** The page shell: skip link, header with navigation, main region, footer. */
export function layout(
  ctx: PageContext,
  title: string,
  body: Html,
  options: { scripts?: string[]; hasError?: boolean } = {},
): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.hasError ? 'Error: ' : ''}${title} – ${ctx.serviceName}</title>
<link rel="stylesheet" href="/assets/portal.css">
${(options.scripts ?? []).map((s) => html`<script type="module" src="/assets/${s}"></script>`)}
</head>
<body>
<a href="#main" class="skip-link">Skip to main content</a>
<header class="header">
<div class="width">
<a href="/" class="header-name">${ctx.serviceName}</a>
${
  ctx.user
    ? html`<nav aria-label="Account">
<a href="/profile">Profile</a>
${ctx.user.isAdmin ? html`<a href="/admin/users">User Management</a>` : ''}
<form method="post" action="/sign-out">${csrfField(ctx)}<button type="submit" class="link-button">Sign out</button></form>
</nav>`
    : ''
}
</div>
</header>
<div class="width">
${
  ctx.demo
    ? html`<div class="banner"><span class="tag">Demo</span>This portal runs with demo accounts. Codes sent by text or call, and approval requests, appear in the <a href="/dev/outbox">developer outbox</a>.</div>`
    : ''
}
<main id="main" tabindex="-1">
${notice(ctx.flash)}
${body}
</main>
</div>
<footer><div class="width">${ctx.serviceName} · built with Keyward · <a href="/help">Help with signing in</a></div></footer>
</body>
</html>`;
}

/** Re-export so routes import one module. */
export { Html, html };
