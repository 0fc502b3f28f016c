// The one client script: runs WebAuthn ceremonies for forms marked data-webauthn, then submits
// the form normally so the server renders the result (no inline script, works with the CSP).
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@keyward/webauthn-browser';

document.documentElement.classList.add('js-enabled');

function status(form: HTMLFormElement, text: string): void {
  const region = form.parentElement?.parentElement?.querySelector('.js-status') ?? document.querySelector('.js-status');
  if (region) region.textContent = text;
}

async function run(form: HTMLFormElement, button: HTMLButtonElement | null): Promise<void> {
  const mode = form.dataset.webauthn;
  const optionsUrl = form.dataset.options;
  const csrf = (form.querySelector('input[name="_csrf"]') as HTMLInputElement | null)?.value ?? '';
  const methodId = (form.querySelector('input[name="methodId"]') as HTMLInputElement | null)?.value;
  if (!optionsUrl) return;
  if (!browserSupportsWebAuthn()) {
    status(form, 'This browser cannot use security keys. Choose another way.');
    return;
  }
  if (button) button.disabled = true;
  try {
    status(
      form,
      mode === 'register'
        ? 'Insert your security key, enter its PIN and touch it.'
        : 'Insert your security key, enter its PIN and touch it when it flashes.',
    );
    const res = await fetch(optionsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf, accept: 'application/json' },
      body: JSON.stringify(methodId ? { methodId } : {}),
      credentials: 'same-origin',
    });
    if (!res.ok) {
      const info = (await res.json().catch(() => ({}))) as { message?: string };
      status(form, info.message ?? 'Something went wrong. Reload the page and try again.');
      return;
    }
    const options = await res.json();
    const response = mode === 'register' ? await startRegistration(options) : await startAuthentication(options);
    const field = form.querySelector('input[name="response"]') as HTMLInputElement;
    field.value = JSON.stringify(response);
    status(form, 'Checking…');
    form.submit();
  } catch (error) {
    const name = (error as { name?: string; code?: string }).code ?? (error as Error).name;
    status(
      form,
      name === 'ERR_EXCLUDED_CREDENTIAL' || name === 'InvalidStateError'
        ? 'This security key is already registered.'
        : 'The security key was not used. Try again, or choose another way.',
    );
  } finally {
    if (button) button.disabled = false;
  }
}

for (const form of Array.from(document.querySelectorAll<HTMLFormElement>('form[data-webauthn]'))) {
  form.addEventListener('submit', (event) => {
    const field = form.querySelector('input[name="response"]') as HTMLInputElement | null;
    if (field?.value) return;
    event.preventDefault();
    void run(form, (event as SubmitEvent).submitter as HTMLButtonElement | null);
  });
}
