import type { PageContext } from './views/components.ts';

/** Flash messages by code: the cookie carries only the code, never text from the request. */
const MESSAGES: Record<string, NonNullable<PageContext['flash']>> = {
  'signed-out': {
    kind: 'info',
    title: 'Signed out',
    text: 'You have signed out. Close the browser if you are on a shared device.',
  },
  'token-registered': { kind: 'success', title: 'Success', text: 'Your security key has been registered.' },
  'token-renamed': { kind: 'success', title: 'Success', text: 'The nickname has been changed.' },
  'token-removed': {
    kind: 'success',
    title: 'Success',
    text: 'The security key has been removed. It can no longer be used to sign in.',
  },
  'app-enrolled': { kind: 'success', title: 'Success', text: 'Your authenticator app is set up.' },
  'phone-verified': { kind: 'success', title: 'Success', text: 'Your phone number has been verified.' },
  'method-removed': { kind: 'success', title: 'Success', text: 'The sign-in method has been removed.' },
  'default-changed': { kind: 'success', title: 'Success', text: 'Your default sign-in method has been changed.' },
  'app-password-revoked': { kind: 'success', title: 'Success', text: 'The app password has been revoked.' },
  'session-expired': {
    kind: 'info',
    title: 'Please sign in again',
    text: 'For your security, your sign-in has expired.',
  },
  'push-denied': {
    kind: 'info',
    title: 'Request not approved',
    text: 'The approval request was denied or did not match. Choose another way to sign in.',
  },
  'outbox-approved': { kind: 'success', title: 'Approved', text: 'You approved the sign-in request.' },
  'outbox-denied': { kind: 'info', title: 'Denied', text: 'The sign-in request was denied.' },
};

/** The message for a code, if it is one of ours. */
export function flashMessage(code: string | undefined): PageContext['flash'] {
  return code ? MESSAGES[code] : undefined;
}
