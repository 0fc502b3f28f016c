// Waits for a push approval: polls the status and continues by itself once approved.
document.documentElement.classList.add('js-enabled');

const form = document.querySelector<HTMLFormElement>('form[data-push-wait]');
const region = document.querySelector('.js-status');
if (form?.dataset.pushWait) {
  const url = form.dataset.pushWait;
  if (region) region.textContent = 'Waiting for approval…';
  const poll = async (): Promise<void> => {
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      const { state } = (await res.json()) as { state: string };
      if (state === 'approved' || state === 'denied' || state === 'expired') {
        form.submit();
        return;
      }
    } catch {}
    setTimeout(poll, 2000);
  };
  setTimeout(poll, 2000);
}
